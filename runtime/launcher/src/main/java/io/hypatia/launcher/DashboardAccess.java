package io.hypatia.launcher;

import io.hypatia.dashboard.Access;
import io.hypatia.engine.security.Principal;
import io.hypatia.engine.security.TenantNames;
import io.hypatia.engine.security.TokenFile;
import io.hypatia.gateway.GatewayServer;
import io.hypatia.gateway.StartupException;
import io.javalin.http.UnauthorizedResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * The dashboard's access rule, the same as the gRPC API's: with a token file every request must
 * carry one of its bearer tokens ({@code Authorization: Bearer ...} header, or {@code ?token=}
 * for a browser's first page load), and a user sees only its tenant's studies; without one
 * (loopback, no authentication) everything is visible.
 */
final class DashboardAccess {
    private DashboardAccess() {
    }

    static Access of(GatewayServer.Settings gateway) {
        if (gateway.tokenFile() == null) {
            return Access.OPEN;
        }
        TokenFile tokens;
        try {
            tokens = TokenFile.load(gateway.tokenFile());
        } catch (IOException | IllegalArgumentException e) {
            throw new StartupException("cannot read the token file: " + e.getMessage(), e);
        }
        return ctx -> {
            String header = ctx.header("Authorization");
            String token = header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : ctx.queryParam("token");
            Optional<Principal> caller = token == null || token.isEmpty() ? Optional.empty() : tokens.authenticate(token);
            if (caller.isEmpty()) {
                throw new UnauthorizedResponse("a valid bearer token is required (Authorization: Bearer <token>)");
            }
            Principal p = caller.get();
            return study -> TenantNames.visible(p, study.spec().name());
        };
    }
}
