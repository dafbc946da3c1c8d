package io.hypatia.dashboard;

import io.hypatia.engine.StudyInfo;
import io.javalin.http.Context;

/**
 * Who is asking: the seam where the service's authentication plugs into the dashboard. Every
 * {@code /api} request is resolved to a {@link Viewer} before it is answered, and every study
 * the answer mentions is first checked with {@link Viewer#canSee}; a study the viewer may not
 * see is answered as if it did not exist (404), never leaked.
 *
 * <p>Until the service has tenants and tokens the dashboard runs with {@link #OPEN} (it listens
 * on loopback by default). An implementation reads the token from the request (an
 * {@code Authorization: Bearer} header or a cookie), throws Javalin's
 * {@code UnauthorizedResponse} when it is missing or invalid, and answers {@code canSee} from
 * the study's tenant.
 */
@FunctionalInterface
public interface Access {

    /** What one caller may see. */
    @FunctionalInterface
    interface Viewer {
        boolean canSee(StudyInfo study);
    }

    /** The caller of this request; throws an {@code HttpResponseException} (401/403) to refuse it. */
    Viewer resolve(Context ctx);

    /** No authentication: everyone sees every study. */
    Access OPEN = ctx -> study -> true;
}
