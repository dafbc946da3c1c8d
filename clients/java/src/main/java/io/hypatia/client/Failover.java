package io.hypatia.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Which calls are repeated when a gateway is lost, and how: a call that failed with UNAVAILABLE
 * (the gateway died or cannot be reached), DEADLINE_EXCEEDED or UNKNOWN from a closed channel is sent again, with exponential
 * backoff, if repeating it cannot change the outcome. The channel's {@code round_robin} policy
 * has by then taken the lost gateway out of its rotation, so the repeat goes to another one.
 *
 * <p>Repeatable ({@link #IDEMPOTENT}): Ask (the client gives every ask a request id; a repeat
 * answers the trials of the first), Tell (request id), Report (the service answers a repeated
 * report of the same step, value and attempt as it answered the first), Heartbeat, and every read.
 * Not repeated: DeleteStudy, EnqueueTrial, UpdateStudy, InstallPlugin, UninstallPlugin, and
 * CreateStudy unless the caller accepts an existing study of that name; these wait for a
 * reachable gateway instead of failing fast, but one lost in flight is reported.
 */
public final class Failover {
    /** The RPCs whose repetition gives the same outcome as one call. */
    public static final Set<String> IDEMPOTENT = Set.of("Ask", "Tell", "Report", "Heartbeat", "GetStudy", "ListStudies",
            "GetTrial", "ListTrials", "GetBestTrials", "ListPlugins", "ListPluginJars");

    private final int retries;
    private final long firstBackoffMs;
    private final long maxBackoffMs;
    private final AtomicLong retried = new AtomicLong();

    /**
     * @param retries      repeats of one call at most (0: none)
     * @param firstBackoff the pause before the first repeat; doubled each time
     * @param maxBackoff   the longest pause
     */
    public Failover(int retries, Duration firstBackoff, Duration maxBackoff) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0, got " + retries);
        }
        this.retries = retries;
        this.firstBackoffMs = Math.max(1, firstBackoff.toMillis());
        this.maxBackoffMs = Math.max(firstBackoffMs, maxBackoff.toMillis());
    }

    /** True for an RPC of hypatia.v1 that may be repeated (see the class comment). */
    public static boolean isIdempotent(String method) {
        return IDEMPOTENT.contains(method);
    }

    /** True for a failure that says nothing about the request itself: the gateway was lost or did not answer in time. */
    public static boolean isGatewayLoss(Status.Code code) {
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
    }

    /**
     * {@link #isGatewayLoss(Status.Code)}, and also UNKNOWN caused by a closed channel: grpc-java reports a connection
     * that closes while a call is being started (the gateway killed at that moment) as "UNKNOWN: channel closed", with
     * a {@link ClosedChannelException} as its cause, not as UNAVAILABLE.
     */
    public static boolean isGatewayLoss(Status status) {
        if (isGatewayLoss(status.getCode())) {
            return true;
        }
        if (status.getCode() != Status.Code.UNKNOWN) {
            return false;
        }
        for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
            if (t instanceof ClosedChannelException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code rpc}, repeating it after a gateway loss when {@code idempotent}; any other
     * failure, or the last one, is thrown as it came.
     */
    public <T> T call(boolean idempotent, Supplier<T> rpc) {
        long delayMs = firstBackoffMs;
        for (int attempt = 0; ; attempt++) {
            try {
                return rpc.get();
            } catch (StatusRuntimeException e) {
                if (!idempotent || !isGatewayLoss(e.getStatus()) || attempt >= retries) {
                    throw e;
                }
            }
            retried.incrementAndGet();
            try {
                // jitter, so the workers of a lost gateway do not all arrive at once
                Thread.sleep(delayMs / 2 + ThreadLocalRandom.current().nextLong(delayMs / 2 + 1));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw Status.CANCELLED.withDescription("interrupted while waiting to repeat a call").asRuntimeException();
            }
            delayMs = Math.min(delayMs * 2, maxBackoffMs);
        }
    }

    /** How many calls were repeated so far. */
    public long retriedCalls() {
        return retried.get();
    }
}
