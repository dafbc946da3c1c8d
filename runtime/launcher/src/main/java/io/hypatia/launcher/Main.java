package io.hypatia.launcher;

import io.hypatia.engine.security.Quotas;
import io.hypatia.gateway.GatewayServer;
import io.hypatia.gateway.Limits;
import io.hypatia.dashboard.ServiceMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** Entry point of the {@code hypatia} command. */
public final class Main {
    static final String USAGE = """
            usage: hypatia <command> [options]

            commands:
              serve   run the service until interrupted
              demo    start the service, optimise a benchmark through the gRPC API with
                      concurrent workers, print the best trial, and exit
              bench   run optimizers x benchmarks x seeds (see `hypatia bench --help`)
              studies list | show NAME | trials NAME | update NAME --max-budget X | delete NAME | watch NAME | plugins
                      inspect a running service (see `hypatia studies --help`)
              bench-rpc  measure ask+tell round trips per second and ask/tell latency
                      through gRPC with concurrent clients; appends a row to a CSV
              bench-report  Report decision latency as a study grows (`hypatia bench report-latency`)
              plugin verify [--system-dir DIR] [--timeout-ms N] [--benchmark-data DIR] JAR...
                      check plugin jars in a scratch framework against the runtime's API and
                      the plugin contracts; prints a pass/fail table, exits 1 on a failure;
                      --benchmark-data hands data-set benchmarks their folder, as serve does
              token   manage bearer tokens: `hypatia token add --file FILE --tenant NAME [--role user|admin]
                      [--comment TEXT]` prints a new token once and stores only its SHA-256
              help    show this text

            serve and demo options:
              --port N              gRPC port (serve: 50051, demo: any free port)
              --host ADDR           address to bind (default 127.0.0.1; 0.0.0.0 for remote trainers)
              --data-dir DIR        where studies are stored (serve: ./hypatia-data, demo: a fresh temp dir)
              --deploy-dir DIR      plugin jars, watched for changes (default: <install>/deploy)
              --system-dir DIR      Declarative Services bundles (default: <install>/system)
              --benchmark-data DIR  benchmark data sets folder, e.g. ../shared/data (default: $HYPATIA_BENCHMARK_DATA)
              --no-fsync            commits survive a crash of the process, not of the machine (faster)
              --store URL           keep studies in PostgreSQL, postgresql://host[:port]/database, shared
                                    by every gateway started with the same URL (default: embedded, in --data-dir)
              --store-credentials FILE  user=NAME and password=SECRET lines for --store (default: the
                                    environment, HYPATIA_PG_USER/HYPATIA_PG_PASSWORD or PGUSER/PGPASSWORD)
              --auth-tokens FILE    require a bearer token from FILE (see `hypatia token add`); each token
                                    belongs to a tenant, which sees only its own studies
              --tls-cert FILE       serve TLS with this certificate chain (PEM) ...
              --tls-key FILE        ... and this private key (PKCS#8 PEM)
              --tls-client-ca FILE  also require client certificates signed by these CAs (PEM)
              --insecure            allow a non-loopback --host without --auth-tokens
              --limits K=V,...      request limits, e.g. max_ask_count=100,max_page_size=10000 (README lists all)
              --quotas K=V,...      per-tenant quotas: studies=1000,trials_per_study=1000000,running_trials=10000
              --study-idle-evict T  drop a study's trials from memory after T unused (default 10m; 0: never);
                                    they are read again on its next call; never while a trial runs

            serve options:
              --http-port N         dashboard and Prometheus /metrics port (default 8080; 0: any free port)
              --http-host ADDR      address the dashboard binds (default 127.0.0.1; it has no login yet)
              --no-dashboard        no HTTP listener at all (no dashboard, no /metrics)
              --metrics-studies N   per-study metric series for the N newest studies (default 20)
              --plugin-wait-ms N    while a plugin jar is being swapped, an ask whose sampler is absent waits
                                    up to N ms for it (default 10000); outside a swap it never waits. Also
                                    how long a call that needs a plugin waits while the plugins start after
                                    a restart (the gateway answers other calls at once); then UNAVAILABLE

            demo options:
              --trials N            trials to run (default 200)
              --workers N           concurrent worker threads (default 4)
              --benchmark NAME      benchmark plugin to optimise (default branin)
              --sampler NAME        sampler plugin (default random)
              --seed N              sampler seed (default 1)

            bench-rpc options:
              --clients N[,N...]    concurrent clients (default 16); a list runs one leg per count
              --seconds N           measured seconds (default 20), after --warmup N seconds (default 5)
              --sampler NAME[,NAME] sampler plugin (default random); a list runs each (a fresh study per leg)
              --csv FILE            CSV to append to (default bench-rpc.csv)
              --leg LABEL           what is measured, in the output and the CSV's service column
              --target HOST:PORT    measure a running service instead of an embedded one; several
                                    gateways HOST1:PORT1,HOST2:PORT2 share one round-robin channel
              --token TOKEN         bearer token for --target (an embedded service gets its own)
              --tls-ca FILE         trust this CA (PEM) for --target with TLS
              --channel-per-client  each client thread its own channel (HTTP/2 connection), as
                                    trainers on their own machines have; default: one shared channel
              --security-matrix     embedded only: the cost of authentication and TLS. One engine behind
                                    four gateways (plaintext, token, TLS, token+TLS), measured in
                                    interleaved segments of --seconds (default 5) for --rounds rounds
                                    (default 6) in rotated order; prints medians per variant (round
                                    trips/s, process CPU per round trip) and ratios to plaintext;
                                    one CSV row per segment (default bench-rpc-security.csv)
              --study-sizes LIST    embedded only: grow one study through these trial counts (e.g.
                                    1000,10000,36000,100000) and at each time --round-trips N ask+tell
                                    round trips (default 2000; --clients default 1 here), GetStudy and
                                    GetBestTrials, in process and over gRPC; prints latency, CPU and GC
                                    per round trip (CSV default bench-rpc-sizes.csv)
              --restart             restart-to-first-answer and memory: builds a store of --studies N
                                    (default 5000) x --trials-per-study M (default 20) in --fixture DIR
                                    (kept; default a temp dir), starts `hypatia serve` on it --restarts R
                                    times (default 3) and times from process launch the first answer (a
                                    GetStudy sent from launch) and the first Ask (sent beside it), with
                                    the child's CPU time at each; reads the child's RSS after the Ask
                                    and after asking --touch K more studies
                                    (default 500); CSV default bench-restart.csv; --compare-home DIR
                                    restarts another installation (e.g. an earlier build) in turn,
                                    --compare-cds this one with HYPATIA_CDS=off in turn,
                                    --compare-java-opts OPTS this one with HYPATIA_JAVA_OPTS=OPTS
            """;

    private static final Set<String> SERVER_OPTIONS = Set.of("port", "host", "data-dir", "deploy-dir", "system-dir", "benchmark-data",
            "auth-tokens", "tls-cert", "tls-key", "tls-client-ca", "limits", "quotas", "store", "store-credentials",
            "study-idle-evict");
    private static final Set<String> SERVER_FLAGS = Set.of("no-fsync", "insecure");
    private static final Set<String> HTTP_OPTIONS = Set.of("http-port", "http-host", "metrics-studies", "plugin-wait-ms");
    private static final Set<String> DEMO_OPTIONS = Set.of("trials", "workers", "benchmark", "sampler", "seed");

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
        String command = args.length == 0 ? "help" : args[0];
        try {
            switch (command) {
                case "serve" -> {
                    Set<String> options = new java.util.HashSet<>(SERVER_OPTIONS);
                    options.addAll(HTTP_OPTIONS);
                    Set<String> flags = new java.util.HashSet<>(SERVER_FLAGS);
                    flags.add("no-dashboard");
                    serve(new Args(args, 1, options, flags));
                }
                case "token" -> System.exit(TokenCommand.run(args));
                case "studies" -> System.exit(StudiesCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
                case "demo" -> {
                    Set<String> options = new java.util.HashSet<>(SERVER_OPTIONS);
                    options.addAll(DEMO_OPTIONS);
                    System.exit(Demo.run(new Args(args, 1, options, SERVER_FLAGS)));
                }
                case "bench" -> System.exit(io.hypatia.launcher.bench.BenchCommand.run(
                        java.util.Arrays.copyOfRange(args, 1, args.length)));
                case "bench-report" -> { // hypatia bench report-latency
                    String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
                    String[] withSub = new String[rest.length + 1];
                    withSub[0] = "report-latency";
                    System.arraycopy(rest, 0, withSub, 1, rest.length);
                    System.exit(io.hypatia.launcher.bench.BenchCommand.run(withSub));
                }
                case "bench-rpc" -> {
                    Set<String> options = new java.util.HashSet<>(SERVER_OPTIONS);
                    options.addAll(Set.of("clients", "seconds", "warmup", "sampler", "csv", "leg", "target", "token", "tls-ca", "rounds",
                            "study-sizes", "round-trips", "studies", "trials-per-study", "restarts", "touch", "fixture",
                            "compare-home", "compare-java-opts"));
                    Set<String> flags = new java.util.HashSet<>(SERVER_FLAGS);
                    flags.add("security-matrix");
                    flags.add("restart");
                    flags.add("compare-cds");
                    flags.add("channel-per-client");
                    System.exit(RpcBench.run(new Args(args, 1, options, flags)));
                }
                case "plugin" -> System.exit(PluginCommand.run(args));
                case "help", "--help", "-h" -> System.out.print(USAGE);
                default -> throw new Args.UsageException("unknown command '" + command + "'");
            }
        } catch (Args.UsageException e) {
            System.err.println("hypatia: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        } catch (io.hypatia.gateway.StartupException e) {
            // Something the operator must fix (busy port, data folder in use, ...): one line, no stack trace.
            System.err.println("hypatia: " + e.getMessage());
            System.exit(1);
        }
    }

    static HypatiaServer.Options options(Args a, int defaultPort, Path defaultDataDir) {
        String home = System.getProperty("hypatia.home");
        Path deploy = pathOption(a, "deploy-dir", home, "deploy");
        Path system = pathOption(a, "system-dir", home, "system");
        String data = a.get("benchmark-data", System.getenv("HYPATIA_BENCHMARK_DATA"));
        return new HypatiaServer.Options(Path.of(a.get("data-dir", defaultDataDir.toString())), deploy, system,
                a.get("host", "127.0.0.1"), a.getInt("port", defaultPort, 0, 65535), !a.flag("no-fsync"),
                data == null || data.isBlank() ? null : Path.of(data), 1000).withGateway(gatewaySettings(a))
                .withSharedStore(sharedStore(a, System.getenv()));
    }

    /** The PostgreSQL store named by --store, with credentials from --store-credentials or the environment; null: embedded. */
    static HypatiaServer.SharedStore sharedStore(Args a, java.util.Map<String, String> env) {
        String url = a.get("store", null);
        String file = a.get("store-credentials", null);
        if (url == null) {
            if (file != null) {
                throw new Args.UsageException("--store-credentials needs --store postgresql://host[:port]/database");
            }
            return null;
        }
        io.hypatia.engine.store.PostgresStore.Location location;
        try {
            location = io.hypatia.engine.store.PostgresStore.Location.parse(url);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--store: " + e.getMessage());
        }
        io.hypatia.engine.store.PostgresStore.Credentials credentials;
        if (file != null) {
            try {
                credentials = io.hypatia.engine.store.PostgresStore.Credentials.fromFile(Path.of(file));
            } catch (java.io.IOException e) {
                throw new Args.UsageException("--store-credentials: cannot read " + file + ": " + e);
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException("--store-credentials: " + e.getMessage());
            }
        } else {
            credentials = io.hypatia.engine.store.PostgresStore.Credentials.fromEnvironment(env);
            if (credentials == null) {
                throw new Args.UsageException("--store needs a database user: --store-credentials FILE, or HYPATIA_PG_USER "
                        + "(and HYPATIA_PG_PASSWORD) or PGUSER (and PGPASSWORD) in the environment");
            }
        }
        return new HypatiaServer.SharedStore(location, credentials);
    }

    /** {@code --study-idle-evict}: how long an unused study's trials stay in memory. */
    static long studyIdleEvictMillis(Args a) {
        return a.getMillis("study-idle-evict", io.hypatia.engine.StudyEngine.DEFAULT_STUDY_IDLE_EVICT_MILLIS);
    }

    static GatewayServer.Settings gatewaySettings(Args a) {
        String cert = a.get("tls-cert", null);
        String key = a.get("tls-key", null);
        String clientCa = a.get("tls-client-ca", null);
        if ((cert == null) != (key == null)) {
            throw new Args.UsageException("--tls-cert and --tls-key go together");
        }
        if (clientCa != null && cert == null) {
            throw new Args.UsageException("--tls-client-ca needs --tls-cert and --tls-key");
        }
        GatewayServer.Tls tls = cert == null ? null
                : new GatewayServer.Tls(Path.of(cert), Path.of(key), clientCa == null ? null : Path.of(clientCa));
        String tokens = a.get("auth-tokens", null);
        try {
            return new GatewayServer.Settings(tokens == null ? null : Path.of(tokens), tls, a.flag("insecure"),
                    Limits.parse(a.get("limits", "")), Quotas.parse(a.get("quotas", "")), Set.of());
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }

    private static Path pathOption(Args a, String name, String home, String sub) {
        String v = a.get(name, null);
        if (v != null) {
            return Path.of(v);
        }
        if (home == null) {
            throw new Args.UsageException("--" + name + " is required when not started through bin/hypatia");
        }
        return Path.of(home, sub);
    }

    private static void serve(Args a) throws Exception {
        HypatiaServer.Options o = options(a, 50051, Path.of("hypatia-data"));
        int httpPort = a.flag("no-dashboard") ? HypatiaServer.Options.NO_HTTP : a.getInt("http-port", 8080, 0, 65535);
        o = o.withHttp(a.get("http-host", "127.0.0.1"), httpPort)
                .withMetricsStudies(a.getInt("metrics-studies", ServiceMetrics.DEFAULT_STUDY_LIMIT, 0, 10_000));
        if (!Files.isDirectory(o.systemDir())) {
            throw new Args.UsageException("system bundle folder " + o.systemDir() + " does not exist");
        }
        int pluginWait = a.getInt("plugin-wait-ms", 10_000, 0, 600_000);
        long idleEvict = studyIdleEvictMillis(a);
        long startNanos = System.nanoTime();
        String cacheDir = System.getProperty("hypatia.cache.dir"); // set by bin/hypatia
        if (cacheDir != null && o.sharedStore() == null) {
            io.hypatia.engine.store.SqliteNativeLibrary.useCache(Path.of(cacheDir));
        }
        String epollDir = System.getProperty("hypatia.epoll.dir"); // set by bin/hypatia, which puts it on LD_LIBRARY_PATH
        if (epollDir != null) {
            EpollNativeLibrary.keepIn(Path.of(epollDir));
        }
        HypatiaServer server = HypatiaServer.startServing(o, pluginWait);
        server.engine().setStudyIdleEvictMillis(idleEvict);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "hypatia-shutdown"));
        GatewayServer.Settings g = o.gateway();
        // Calls that need no plugin are answered from here on; those that need one wait for the framework.
        System.out.println("hypatia: answering gRPC on " + o.host() + ":" + server.port() + " after "
                + (System.nanoTime() - startNanos) / 1_000_000 + " ms; plugins starting");
        if (o.sharedStore() == null) { // on a shared store each study's counts would be read from the database
            var known = server.engine().studyTotals();
            System.out.printf("hypatia: %d studies (%d trials) in the store; a study's spec and trials are read"
                            + " on its first call%s%n", known.studies(), known.trials(),
                    idleEvict == 0 ? "" : ", its trials dropped from memory after " + idleEvict / 1000 + " s unused");
        }
        System.out.flush();
        try {
            server.awaitPlugins();
        } catch (io.hypatia.gateway.StartupException e) {
            server.close();
            throw e;
        }
        System.out.println("hypatia: serving gRPC on " + o.host() + ":" + server.port() + ", data in "
                + (o.sharedStore() != null ? o.sharedStore().location() + " (shared)" : o.dataDir().toAbsolutePath())
                + ", plugins from " + o.deployDir().toAbsolutePath()
                + "; " + (g.tls() != null ? "TLS" : "plaintext") + ", "
                + (g.tokenFile() != null ? "bearer tokens from " + g.tokenFile() : "no authentication"));
        if (server.httpPort() != HypatiaServer.Options.NO_HTTP) {
            System.out.println("hypatia: dashboard at http://" + o.httpHost() + ":" + server.httpPort()
                    + "/, Prometheus metrics at http://" + o.httpHost() + ":" + server.httpPort() + "/metrics");
        }
        System.out.printf("hypatia: started in %d ms: %s%n", (System.nanoTime() - startNanos) / 1_000_000, server.startupTimes());
        server.plugins().list().forEach(p -> System.out.println("  " + p.kind() + " " + p.name() + " ("
                + p.bundle() + " " + p.version() + ", " + p.state() + ")"));
        System.out.flush();
        server.awaitTermination();
    }
}
