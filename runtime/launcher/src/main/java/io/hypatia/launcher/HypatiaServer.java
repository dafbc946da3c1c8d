package io.hypatia.launcher;

import io.hypatia.dashboard.Access;
import io.hypatia.dashboard.DashboardServer;
import io.hypatia.dashboard.ServiceMetrics;
import io.hypatia.engine.StudyEngine;
import io.hypatia.engine.osgi.DeployWatcher;
import io.hypatia.engine.osgi.FelixHost;
import io.hypatia.engine.osgi.OsgiPlugins;
import io.hypatia.engine.store.Store;
import io.hypatia.gateway.GatewayServer;
import io.hypatia.gateway.RpcMetricsInterceptor;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole service in one process: the store, the OSGi framework with the deploy-folder
 * watcher, the study engine, the gRPC gateway and (unless turned off) the dashboard with the
 * Prometheus metrics on an HTTP port. Closing stops them in reverse order.
 */
public final class HypatiaServer implements AutoCloseable {

    /**
     * @param dataDir       the store and the framework's bundle cache
     * @param deployDir     plugin jars, watched for changes
     * @param systemDir     Declarative Services and shared library bundles
     * @param benchmarkData folder with benchmark data sets (may be null)
     * @param fsync         fsync every commit (survives power loss) rather than only process crashes
     * @param httpHost      address the dashboard and /metrics listen on
     * @param httpPort      their port (0: any free port; {@link #NO_HTTP}: no dashboard, no HTTP listener)
     * @param metricsStudies how many of the newest studies get per-study metric series
     */
    public record Options(Path dataDir, Path deployDir, Path systemDir, String host, int port, boolean fsync,
                          Path benchmarkData, long deployPollMillis, String httpHost, int httpPort, int metricsStudies) {
        public static final int NO_HTTP = -1;

        /** Without the dashboard. */
        public Options(Path dataDir, Path deployDir, Path systemDir, String host, int port, boolean fsync,
                       Path benchmarkData, long deployPollMillis) {
            this(dataDir, deployDir, systemDir, host, port, fsync, benchmarkData, deployPollMillis, "127.0.0.1", NO_HTTP,
                    ServiceMetrics.DEFAULT_STUDY_LIMIT);
        }

        /** The same service with the dashboard and /metrics on {@code httpHost:httpPort}. */
        public Options withHttp(String newHttpHost, int newHttpPort) {
            return new Options(dataDir, deployDir, systemDir, host, port, fsync, benchmarkData, deployPollMillis,
                    newHttpHost, newHttpPort, metricsStudies);
        }
    }

    private final Store store;
    private final FelixHost felix;
    private final OsgiPlugins plugins;
    private final DeployWatcher watcher;
    private final StudyEngine engine;
    private final GatewayServer gateway;
    private final ServiceMetrics metrics;
    private DashboardServer dashboard;

    private HypatiaServer(Options o) throws Exception {
        Map<String, String> frameworkProperties = new HashMap<>();
        if (o.benchmarkData() != null) {
            frameworkProperties.put("hypatia.benchmark.data", o.benchmarkData().toAbsolutePath().toString());
        }
        store = Store.open(o.dataDir(), o.fsync());
        felix = FelixHost.start(o.dataDir().resolve("felix-cache"), o.systemDir(), frameworkProperties);
        plugins = new OsgiPlugins(felix.context());
        watcher = new DeployWatcher(felix.context(), o.deployDir()).start(o.deployPollMillis());
        engine = new StudyEngine(store, plugins);
        metrics = new ServiceMetrics().watch(engine, o.metricsStudies());
        gateway = GatewayServer.start(engine, o.host(), o.port(), List.of(new RpcMetricsInterceptor(metrics.registry())));
        try {
            dashboard = o.httpPort() == Options.NO_HTTP ? null
                    : DashboardServer.start(engine, metrics, Access.OPEN, o.httpHost(), o.httpPort());
        } catch (RuntimeException e) {
            close(); // e.g. the HTTP port is taken: release the gRPC port, the framework and the store
            throw e;
        }
    }

    public static HypatiaServer start(Options options) throws Exception {
        return new HypatiaServer(options);
    }

    public StudyEngine engine() {
        return engine;
    }

    public OsgiPlugins plugins() {
        return plugins;
    }

    public DeployWatcher deployWatcher() {
        return watcher;
    }

    public int port() {
        return gateway.port();
    }

    /** The port of the dashboard and /metrics, or {@link Options#NO_HTTP} when they are off. */
    public int httpPort() {
        return dashboard == null ? Options.NO_HTTP : dashboard.port();
    }

    public ServiceMetrics metrics() {
        return metrics;
    }

    public void awaitTermination() throws InterruptedException {
        gateway.awaitTermination();
    }

    @Override
    public void close() {
        if (dashboard != null) {
            dashboard.close();
        }
        gateway.close();
        watcher.close();
        engine.close();
        plugins.close();
        try {
            felix.close();
        } catch (Exception e) {
            // the framework is going away with the process anyway
        }
        store.close();
    }
}
