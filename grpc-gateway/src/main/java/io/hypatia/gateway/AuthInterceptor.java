package io.hypatia.gateway;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.hypatia.engine.security.Principal;
import io.hypatia.engine.security.TokenFile;
import java.util.Optional;
import java.util.Set;

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

    /**
     * @param adminOnly full method names (e.g. {@code hypatia.v1.HypatiaService/ListPlugins}) only an admin may call
     */
    AuthInterceptor(TokenFile tokens, Set<String> adminOnly) {
        this.tokens = tokens;
        this.adminOnly = Set.copyOf(adminOnly);
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
        return Contexts.interceptCall(Context.current().withValue(PRINCIPAL, principal.get()), call, headers, next);
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
