package io.hypatia.launcher;

import io.hypatia.dashboard.Access;
import io.hypatia.dashboard.DashboardServer;
import io.hypatia.dashboard.ServiceMetrics;
import io.hypatia.engine.StudyEngine;
import io.hypatia.engine.osgi.DeployWatcher;
import io.hypatia.engine.osgi.FelixHost;
import io.hypatia.engine.osgi.OsgiPlugins;
import io.hypatia.engine.store.PostgresStore;
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
     * @param sharedStore   a PostgreSQL database shared with other gateways, or null for the embedded store in dataDir
     */
    public record Options(Path dataDir, Path deployDir, Path systemDir, String host, int port, boolean fsync,
                          Path benchmarkData, long deployPollMillis, GatewayServer.Settings gateway, String httpHost,
                          int httpPort, int metricsStudies, SharedStore sharedStore) {
        public static final int NO_HTTP = -1;

        /** Loopback, no authentication, default limits, no dashboard. */
        public Options(Path dataDir, Path deployDir, Path systemDir, String host, int port, boolean fsync,
                       Path benchmarkData, long deployPollMillis) {
            this(dataDir, deployDir, systemDir, host, port, fsync, benchmarkData, deployPollMillis, GatewayServer.Settings.LOOPBACK,
                    "127.0.0.1", NO_HTTP, ServiceMetrics.DEFAULT_STUDY_LIMIT, null);
        }

        /** The same options with other gateway settings. */
        public Options withGateway(GatewayServer.Settings settings) {
            return new Options(dataDir, deployDir, systemDir, host, port, fsync, benchmarkData, deployPollMillis, settings,
                    httpHost, httpPort, metricsStudies, sharedStore);
        }

        /** The same service with the dashboard and /metrics on {@code httpHost:httpPort}. */
        public Options withHttp(String newHttpHost, int newHttpPort) {
            return new Options(dataDir, deployDir, systemDir, host, port, fsync, benchmarkData, deployPollMillis, gateway,
                    newHttpHost, newHttpPort, metricsStudies, sharedStore);
        }

        /** The same service keeping per-study metric series for the {@code n} newest studies. */
        public Options withMetricsStudies(int n) {
            return new Options(dataDir, deployDir, systemDir, host, port, fsync, benchmarkData, deployPollMillis, gateway,
                    httpHost, httpPort, n, sharedStore);
        }

        /** The same service keeping its studies in a PostgreSQL database that other gateways may share. */
        public Options withSharedStore(SharedStore store) {
            return new Options(dataDir, deployDir, systemDir, host, port, fsync, benchmarkData, deployPollMillis, gateway,
                    httpHost, httpPort, metricsStudies, store);
        }
    }

    /** A PostgreSQL store ({@code --store postgresql://host[:port]/db}) and the role to connect as. */
    public record SharedStore(PostgresStore.Location location, PostgresStore.Credentials credentials) {
    }

    private final DataDirLock lock;
    private final Store store;
    private final FelixHost felix;
    private final OsgiPlugins plugins;
    private final DeployWatcher watcher;
    private final StudyEngine engine;
    private final GatewayServer gateway;
    private final ServiceMetrics metrics;
    private final DashboardServer dashboard;

    /** Parts started so far, closed in reverse order when a later one fails, so a failed start leaves nothing running. */
    private final java.util.ArrayDeque<AutoCloseable> started = new java.util.ArrayDeque<>();

    private HypatiaServer(Options o) throws Exception {
        Map<String, String> frameworkProperties = new HashMap<>();
        if (o.benchmarkData() != null) {
            frameworkProperties.put("hypatia.benchmark.data", o.benchmarkData().toAbsolutePath().toString());
        }
        try {
            lock = track(DataDirLock.acquire(o.dataDir()));
            store = track(o.sharedStore() == null ? Store.open(o.dataDir(), o.fsync()) : openShared(o.sharedStore()));
            felix = track(FelixHost.start(o.dataDir().resolve("felix-cache"), o.systemDir(), frameworkProperties));
            plugins = track(new OsgiPlugins(felix.context()));
            watcher = track(new DeployWatcher(felix.context(), o.deployDir()));
            plugins.watch(watcher);
            watcher.setPinned(new io.hypatia.engine.osgi.StudyPins(this::engineOnceStarted));
            watcher.start(o.deployPollMillis());
            engine = track(new StudyEngine(store, plugins));
            metrics = new ServiceMetrics().watch(engine, o.metricsStudies());
            gateway = track(GatewayServer.start(engine, o.host(), o.port(), o.gateway(),
                    List.of(new RpcMetricsInterceptor(metrics.registry()))));
            dashboard = o.httpPort() == Options.NO_HTTP ? null
                    : track(DashboardServer.start(engine, metrics, DashboardAccess.of(o.gateway()), o.httpHost(), o.httpPort()));
        } catch (Exception | Error e) {
            closeStarted();
            throw e;
        }
    }

    private static Store openShared(SharedStore shared) {
        try {
            return PostgresStore.open(shared.location(), shared.credentials(), 16);
        } catch (java.io.IOException e) {
            throw new io.hypatia.gateway.StartupException("--store " + shared.location() + ": " + e.getMessage(), e);
        }
    }

    /** The engine, or null while the constructor has not made it yet (the watcher starts first). */
    private StudyEngine engineOnceStarted() {
        return engine;
    }

    private <T extends AutoCloseable> T track(T part) {
        started.push(part);
        return part;
    }

    private void closeStarted() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                // closing the rest matters more
            }
        }
    }

    /**
     * Starts the service. Throws {@link io.hypatia.gateway.StartupException} with a one-line reason
     * when the operator must fix something (data folder in use, busy port, missing TLS files).
     */
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

    /** Stops the gateway, the watcher, the engine, the plugins, the framework and the store, then frees the data folder. */
    @Override
    public void close() {
        synchronized (started) {
            closeStarted();
        }
    }
}
