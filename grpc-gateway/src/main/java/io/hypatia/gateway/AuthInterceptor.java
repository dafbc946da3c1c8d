package io.hypatia.gateway;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.hypatia.engine.security.Principal;
import io.hypatia.engine.security.TokenFile;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bearer-token authentication of the Hypatia service ({@code authorization: Bearer <token>}).
 * A missing or unknown token is UNAUTHENTICATED, a user token on an admin-only method
 * PERMISSION_DENIED; otherwise the caller's {@link Principal} is put in the call's context
 * ({@link #PRINCIPAL}) for tenant scoping. Health checks and reflection are not behind it.
 */
final class AuthInterceptor implements ServerInterceptor {
    /** The authenticated caller of the current call; absent when authentication is off. */
    static final Context.Key<Principal> PRINCIPAL = Context.key("hypatia-principal");
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final TokenFile tokens;
    private final Set<String> adminOnly;
    private final int maxCallsPerTenant;
    private final ConcurrentHashMap<String, Semaphore> inProgress = new ConcurrentHashMap<>();

    /**
     * @param adminOnly         full method names (e.g. {@code hypatia.v1.HypatiaService/ListPlugins}) only an admin may call
     * @param maxCallsPerTenant calls of one tenant in progress at once; more answer RESOURCE_EXHAUSTED, so one
     *                          tenant's heavy calls cannot hold every handler thread and starve the others
     */
    AuthInterceptor(TokenFile tokens, Set<String> adminOnly, int maxCallsPerTenant) {
        this.tokens = tokens;
        this.adminOnly = Set.copyOf(adminOnly);
        this.maxCallsPerTenant = maxCallsPerTenant;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String header = headers.get(AUTHORIZATION);
        if (header == null) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription(
                    "this service needs a bearer token: send the metadata 'authorization: Bearer <token>'"));
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription(
                    "the authorization metadata must be 'Bearer <token>'"));
        }
        Optional<Principal> principal = tokens.authenticate(header.substring(7).trim());
        if (principal.isEmpty()) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription("unknown or revoked token"));
        }
        String method = call.getMethodDescriptor().getFullMethodName();
        if (adminOnly.contains(method) && !principal.get().isAdmin()) {
            return refuse(call, Status.PERMISSION_DENIED.withDescription(call.getMethodDescriptor().getBareMethodName()
                    + " needs an admin token; tenant '" + principal.get().tenant() + "' has role user"));
        }
        String tenant = principal.get().tenant();
        Semaphore slots = inProgress.computeIfAbsent(tenant, t -> new Semaphore(maxCallsPerTenant));
        if (!slots.tryAcquire()) {
            return refuse(call, Status.RESOURCE_EXHAUSTED.withDescription("tenant '" + tenant + "' has " + maxCallsPerTenant
                    + " calls in progress (limit max_calls_per_tenant); retry when one has finished"));
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                slots.release();
            }
        };
        // The slot is freed when the handler closes the call, before the answer leaves: a client
        // that has its answer may call again at once and find the slot free (onComplete comes later).
        ServerCall<Q, R> releasing = new io.grpc.ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                release.run();
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener;
        try {
            listener = Contexts.interceptCall(Context.current().withValue(PRINCIPAL, principal.get()), releasing, headers, next);
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    release.run();
                }
            }

            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    release.run();
                }
            }
        };
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
