package io.hypatia.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailoverTest {
    private final Failover failover = new Failover(3, Duration.ofMillis(1), Duration.ofMillis(2));

    /** Answers with the given failures in turn, then "ok". */
    private static java.util.function.Supplier<String> failing(List<StatusRuntimeException> failures) {
        Deque<StatusRuntimeException> left = new ArrayDeque<>(failures);
        return () -> {
            if (!left.isEmpty()) {
                throw left.poll();
            }
            return "ok";
        };
    }

    /** The shape grpc-java gives a call started on a connection the gateway's death just closed (SharedStoreIT saw it). */
    private static StatusRuntimeException channelClosed() {
        return Status.UNKNOWN.withDescription("channel closed").withCause(new ClosedChannelException()).asRuntimeException();
    }

    @Test
    void anIdempotentCallIsRepeatedAfterTheChannelClosedUnderIt() {
        assertEquals("ok", failover.call(true, failing(List.of(channelClosed(), Status.UNAVAILABLE.asRuntimeException()))));
        assertEquals(2, failover.retriedCalls());
    }

    @Test
    void otherUnknownFailuresAndNonIdempotentCallsAreNotRepeated() {
        StatusRuntimeException plainUnknown = Status.UNKNOWN.withDescription("a bug on the server").asRuntimeException();
        assertSame(plainUnknown, assertThrows(StatusRuntimeException.class, () -> failover.call(true, failing(List.of(plainUnknown)))));
        StatusRuntimeException closed = channelClosed();
        assertSame(closed, assertThrows(StatusRuntimeException.class, () -> failover.call(false, failing(List.of(closed)))));
        assertEquals(0, failover.retriedCalls());
    }
}
