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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

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
    /** The framework, its plugin lookups and the deploy watcher, started beside the engine and the gateway. */
    private final CompletableFuture<PluginHost> pluginHost = new CompletableFuture<>();
    private final StudyEngine engine;
    /** The engine once the plugins are started, for the deploy watcher's pins (null before: drain nothing). */
    private volatile StudyEngine engineForPins;
    private final GatewayServer gateway;
    private final ServiceMetrics metrics;
    private final DashboardServer dashboard;
    private volatile long pluginWaitMillis = 10_000;
    /** How long each part took to start (for the operator: where a slow restart goes). */
    private final StartupTimes startupTimes = new StartupTimes();

    /** Parts started so far, closed in reverse order when a later one fails, so a failed start leaves nothing running. */
    private final java.util.ArrayDeque<AutoCloseable> started = new java.util.ArrayDeque<>();

    /** The OSGi framework with the plugin lookups and the deploy-folder watcher; closed in reverse order. */
    private record PluginHost(FelixHost felix, OsgiPlugins plugins, DeployWatcher watcher) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            watcher.close();
            plugins.close();
            felix.close();
        }
    }

    private HypatiaServer(Options o, long pluginWaitMillis) throws Exception {
        this.pluginWaitMillis = pluginWaitMillis;
        Map<String, String> frameworkProperties = new HashMap<>();
        if (o.benchmarkData() != null) {
            frameworkProperties.put("hypatia.benchmark.data", o.benchmarkData().toAbsolutePath().toString());
        }
        boolean pluginsStarting = false;
        try {
            lock = track(DataDirLock.acquire(o.dataDir()));
            store = track(o.sharedStore() == null ? Store.open(o.dataDir(), o.fsync()) : openShared(o.sharedStore()));
            startupTimes.mark("store");
            // The framework and the plugin bundles start on their own thread once the gateway
            // listens (below), so calls that need no plugin are answered before they are up, and
            // the framework's class loading and JIT work do not hold up the port on a small machine.
            track((AutoCloseable) () -> closePluginHost(pluginHost));
            StartingPlugins startingPlugins = new StartingPlugins(pluginHost.thenApply(PluginHost::plugins), () -> pluginWaitMillis);
            engine = track(new StudyEngine(store, startingPlugins));
            engine.setPluginWaitMillis(pluginWaitMillis);
            startupTimes.mark("engine");
            metrics = new ServiceMetrics(false).watch(engine, o.metricsStudies()); // JVM metrics once the port is open
            gateway = track(GatewayServer.start(engine, o.host(), o.port(), o.gateway(),
                    List.of(new RpcMetricsInterceptor(metrics.registry()))));
            startupTimes.mark("metrics and gateway");
            Thread pluginStart = new Thread(() -> startPlugins(o, frameworkProperties), "hypatia-plugin-start");
            pluginStart.setDaemon(true);
            pluginStart.start();
            pluginsStarting = true;
            pluginHost.thenRun(() -> engineForPins = engine);
            metrics.addJvmMetrics(); // before the dashboard, so every /metrics scrape has them
            dashboard = o.httpPort() == Options.NO_HTTP ? null
                    : track(DashboardServer.start(engine, metrics, DashboardAccess.of(o.gateway()), o.httpHost(), o.httpPort()));
        } catch (Exception | Error e) {
            if (!pluginsStarting) {
                pluginHost.completeExceptionally(e); // nothing for closing to wait for
            }
            closeStarted();
            throw e;
        }
    }

    /** Starts the framework, its system bundles and the deploy folder's plugins; completes {@link #pluginHost}. */
    private void startPlugins(Options o, Map<String, String> frameworkProperties) {
        long t0 = System.nanoTime();
        long cpu0 = StartupTimes.threadCpuNanos();
        java.util.ArrayDeque<AutoCloseable> parts = new java.util.ArrayDeque<>();
        try {
            FelixHost felix = push(parts, FelixHost.start(o.dataDir().resolve("felix-cache"), o.systemDir(), frameworkProperties));
            OsgiPlugins plugins = push(parts, new OsgiPlugins(felix.context()));
            DeployWatcher watcher = push(parts, new DeployWatcher(felix.context(), o.deployDir()));
            plugins.watch(watcher);
            watcher.setPinned(new io.hypatia.engine.osgi.StudyPins(() -> engineForPins));
            watcher.start(o.deployPollMillis());
            startupTimes.record("plugin framework and bundles (from the gateway's opening)", System.nanoTime() - t0,
                    StartupTimes.threadCpuNanos() - cpu0);
            pluginHost.complete(new PluginHost(felix, plugins, watcher));
        } catch (Exception | Error e) {
            while (!parts.isEmpty()) {
                try {
                    parts.pop().close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            pluginHost.completeExceptionally(e);
        }
    }

    private static <T extends AutoCloseable> T push(java.util.ArrayDeque<AutoCloseable> parts, T part) {
        parts.push(part);
        return part;
    }

    /** Closes the plugin host once its start has ended (a start in progress is waited for, so nothing is left running). */
    private static void closePluginHost(CompletableFuture<PluginHost> host) throws Exception {
        PluginHost h;
        try {
            h = host.get(10, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            return; // it failed and closed what it had started
        }
        h.close();
    }

    /**
     * Waits until the plugin framework and the deploy folder's bundles are started (or failed).
     *
     * @throws io.hypatia.gateway.StartupException naming the reason when the framework could not start
     */
    public HypatiaServer awaitPlugins() throws InterruptedException {
        try {
            pluginHost.get();
        } catch (ExecutionException e) {
            throw new io.hypatia.gateway.StartupException("the plugin framework could not start: " + e.getCause().getMessage(), e.getCause());
        }
        return this;
    }

    /** Runs {@code action} once the plugins are started, or with the failure when they could not start. */
    public void whenPluginsStarted(java.util.function.Consumer<Throwable> action) {
        pluginHost.whenComplete((h, failure) -> action.accept(failure));
    }

    /**
     * How long a call that needs a plugin waits for one: while the framework starts (then the
     * call answers UNAVAILABLE) and while a plugin jar is being swapped (then the ask falls back).
     */
    public void setPluginWaitMillis(long millis) {
        pluginWaitMillis = millis;
        engine.setPluginWaitMillis(millis);
    }

    private static Store openShared(SharedStore shared) {
        try {
            return PostgresStore.open(shared.location(), shared.credentials(), 16);
        } catch (java.io.IOException e) {
            throw new io.hypatia.gateway.StartupException("--store " + shared.location() + ": " + e.getMessage(), e);
        }
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
     * Starts the service and returns once the plugins are started too. Throws
     * {@link io.hypatia.gateway.StartupException} with a one-line reason when the operator must
     * fix something (data folder in use, busy port, missing TLS files).
     */
    public static HypatiaServer start(Options options) throws Exception {
        HypatiaServer server = startServing(options, 10_000);
        try {
            return server.awaitPlugins();
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    /**
     * Starts the service and returns as soon as the gateway answers; the plugin framework may
     * still be starting (see {@link StartingPlugins}: calls that need a plugin wait for it). Use
     * {@link #whenPluginsStarted} to learn when it is up or why it failed.
     */
    public static HypatiaServer startServing(Options options, long pluginWaitMillis) throws Exception {
        return new HypatiaServer(options, pluginWaitMillis);
    }

    /** How long the store, the plugins, the engine and the gateway each took to start, in wall and process CPU time. */
    public String startupTimes() {
        return startupTimes.toString();
    }

    public StudyEngine engine() {
        return engine;
    }

    /** The OSGi plugins; waits for the framework to start when it has not yet. */
    public OsgiPlugins plugins() {
        return pluginHost.join().plugins();
    }

    /** The deploy-folder watcher; waits for the framework to start when it has not yet. */
    public DeployWatcher deployWatcher() {
        return pluginHost.join().watcher();
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
