package io.hypatia.dashboard;

import io.hypatia.engine.StudyInfo;
import io.javalin.http.Context;

/**
 * Who is asking: the seam where the service's authentication plugs into the dashboard. Every
 * {@code /api} request is resolved to a {@link Viewer} before it is answered, and every study
 * the answer mentions is first checked with {@link Viewer#canSee}; a study the viewer may not
 * see is answered as if it did not exist (404), never leaked.
 *
 * <p>Without authentication the dashboard runs with {@link #OPEN} (it listens on loopback by
 * default); with the service's token file it runs with {@link TokenAccess}.
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

    /** Refuses (401/403) a caller who may not read {@code /metrics}; everyone may by default. */
    default void checkMetrics(Context ctx) {
    }

    /** No authentication: everyone sees every study. */
    Access OPEN = ctx -> study -> true;
}
