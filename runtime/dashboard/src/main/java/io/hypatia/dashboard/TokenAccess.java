package io.hypatia.dashboard;

import io.hypatia.engine.security.Principal;
import io.hypatia.engine.security.TenantNames;
import io.hypatia.engine.security.TokenFile;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.UnauthorizedResponse;

/**
 * The dashboard behind the service's bearer tokens (the same token file as the gRPC API): the
 * token comes from an {@code Authorization: Bearer} header, the {@value #COOKIE} cookie the
 * pages set when they ask for one, or a {@code ?token=} parameter (scripts). A tenant sees only its own
 * studies (stored names {@code tenant.name}); an admin sees all, and only an admin may scrape
 * {@code /metrics}, whose per-study series name every tenant's studies.
 */
public final class TokenAccess implements Access {
    public static final String COOKIE = "hypatia_token";

    private final TokenFile tokens;

    public TokenAccess(TokenFile tokens) {
        this.tokens = tokens;
    }

    @Override
    public Viewer resolve(Context ctx) {
        Principal p = principal(ctx);
        return study -> TenantNames.visible(p, study.spec().name());
    }

    @Override
    public void checkMetrics(Context ctx) {
        if (!principal(ctx).isAdmin()) {
            throw new ForbiddenResponse("/metrics needs an admin token");
        }
    }

    private Principal principal(Context ctx) {
        String token = null;
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = header.substring(7).trim();
        } else if (ctx.cookie(COOKIE) != null) {
            token = ctx.cookie(COOKIE).trim();
        } else if (ctx.queryParam("token") != null) {
            token = ctx.queryParam("token").trim();
        }
        if (token == null || token.isEmpty()) {
            throw new UnauthorizedResponse("this service needs a bearer token: send 'Authorization: Bearer <token>'");
        }
        return tokens.authenticate(token).orElseThrow(() -> new UnauthorizedResponse("unknown or revoked token"));
    }
}
