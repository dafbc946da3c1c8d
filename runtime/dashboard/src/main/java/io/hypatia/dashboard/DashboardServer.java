package io.hypatia.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypatia.engine.EngineException;
import io.hypatia.engine.StudyEngine;
import io.hypatia.engine.StudyInfo;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The dashboard's HTTP listener (Javalin on Jetty 12): the pages under {@code /}, their JSON
 * under {@code /api}, uPlot and ECharts from their WebJars under {@code /webjars}, and the
 * Prometheus metrics at {@code /metrics}.
 *
 * <pre>
 * GET /api/studies?q=TEXT                          studies, newest first
 * GET /api/studies/NAME                            summary, settings, best trials, change stamp
 * GET /api/studies/NAME/trials?state=&amp;sort=&amp;order=&amp;offset=&amp;limit=   one page of the trials table
 * GET /api/studies/NAME/trials.csv?state=          every matching trial as CSV
 * GET /api/studies/NAME/series?since=MILLIS&amp;max=N&amp;objective=I  finished trials as chart columns (a ChartSample of ~N)
 * GET /api/studies/NAME/curves?limit=N             learning curves with scheduler decisions
 * GET /api/plugins                                 loaded plugins
 * GET /metrics                                     Prometheus text format
 * </pre>
 */
public final class DashboardServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DashboardServer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VIEWER = "hypatia.viewer";

    private final Javalin app;

    private DashboardServer(Javalin app) {
        this.app = app;
    }

    /**
     * Starts serving on {@code host:port} (port 0 picks a free one, see {@link #port()}).
     *
     * @param access who may see which studies ({@link Access#OPEN} until the service has authentication)
     */
    public static DashboardServer start(StudyEngine engine, ServiceMetrics metrics, Access access, String host, int port) {
        StudyViews views = new StudyViews(engine, metrics);
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.staticFiles.add("/hypatia-dashboard", Location.CLASSPATH);
            config.staticFiles.enableWebjars();
            config.jetty.host = host;
            config.jetty.port = port;

            config.routes.before("/api/*", ctx -> ctx.attribute(VIEWER, access.resolve(ctx)));
            config.routes.before("/metrics", access::checkMetrics);
            config.routes.get("/api/studies", ctx -> json(ctx, views.studies(viewer(ctx), ctx.queryParam("q"))));
            config.routes.get("/api/studies/{name}", ctx -> json(ctx, views.study(study(ctx, engine))));
            config.routes.get("/api/studies/{name}/trials", ctx -> json(ctx, views.trials(study(ctx, engine),
                    TrialQuery.parse(ctx.queryParam("state"), ctx.queryParam("sort"), ctx.queryParam("order"),
                            ctx.queryParam("offset"), ctx.queryParam("limit")))));
            config.routes.get("/api/studies/{name}/trials.csv", ctx -> {
                StudyInfo s = study(ctx, engine);
                String csv = views.csv(s, TrialQuery.states(ctx.queryParam("state")));
                ctx.header("Content-Disposition", "attachment; filename=\"" + s.spec().name() + "-trials.csv\"");
                ctx.contentType("text/csv; charset=utf-8").result(csv.getBytes(StandardCharsets.UTF_8));
            });
            config.routes.get("/api/studies/{name}/series", ctx -> json(ctx, views.series(study(ctx, engine),
                    since(ctx.queryParam("since")),
                    TrialQuery.integer("max", ctx.queryParam("max"), 0, 0, 100_000),
                    TrialQuery.integer("objective", ctx.queryParam("objective"), 0, 0, 1_000))));
            config.routes.get("/api/studies/{name}/curves", ctx -> json(ctx, views.curves(study(ctx, engine),
                    TrialQuery.integer("limit", ctx.queryParam("limit"), StudyViews.DEFAULT_CURVES, 1, 1000))));
            config.routes.get("/api/plugins", ctx -> json(ctx, views.plugins()));
            config.routes.get("/metrics", ctx -> {
                String accept = ctx.header("Accept");
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                metrics.write(accept, out);
                ctx.contentType(metrics.contentType(accept)).result(out.toByteArray());
            });

            config.routes.exception(TrialQuery.BadRequest.class, (e, ctx) -> error(ctx, 400, e.field, e.getMessage()));
            config.routes.exception(EngineException.class, (e, ctx) -> error(ctx,
                    e.code() == EngineException.Code.NOT_FOUND ? 404 : e.code() == EngineException.Code.INVALID_ARGUMENT ? 400 : 503,
                    e.field(), e.getMessage()));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), null, e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.log(Level.WARNING, "dashboard request " + ctx.path() + " failed", e);
                error(ctx, 500, null, "internal error: " + e);
            });
        });
        app.start();
        LOG.info("dashboard and /metrics listening on http://" + host + ":" + app.port() + "/");
        return new DashboardServer(app);
    }

    /** The port actually bound. */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    private static Access.Viewer viewer(Context ctx) {
        return ctx.attribute(VIEWER);
    }

    /** The study named in the path, or 404 if it does not exist or the viewer may not see it. */
    private static StudyInfo study(Context ctx, StudyEngine engine) {
        String name = ctx.pathParam("name");
        StudyInfo s = engine.getStudy(name);
        if (!viewer(ctx).canSee(s)) {
            throw EngineException.notFound("study", "no study named '" + name + "'");
        }
        return s;
    }

    private static long since(String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            throw new TrialQuery.BadRequest("since", "must be epoch milliseconds, got '" + text + "'");
        }
    }

    private static void json(Context ctx, Object body) throws JsonProcessingException {
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("application/json").result(JSON.writeValueAsBytes(body));
    }

    private static void error(Context ctx, int status, String field, String message) {
        try {
            ctx.status(status);
            json(ctx, field == null ? Map.of("error", message) : Map.of("error", message, "field", field));
        } catch (IOException e) {
            ctx.status(500).result(message);
        }
    }
}
