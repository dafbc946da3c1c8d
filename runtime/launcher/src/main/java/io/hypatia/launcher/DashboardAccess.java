package io.hypatia.launcher;

import io.hypatia.dashboard.Access;
import io.hypatia.dashboard.TokenAccess;
import io.hypatia.engine.security.TokenFile;
import io.hypatia.gateway.GatewayServer;
import io.hypatia.gateway.StartupException;
import java.io.IOException;

/**
 * The dashboard's access rule, the same as the gRPC API's: with a token file every request must
 * carry one of its bearer tokens (see {@link TokenAccess}) and a user sees only its tenant's
 * studies; without one (loopback, no authentication) everything is visible.
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
        return new TokenAccess(tokens);
    }
}
