package io.hypatia.launcher.bench;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.engine.Plugins;
import io.hypatia.launcher.HypatiaServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code hypatia bench}: runs optimizers x benchmarks x seeds with simulated workers and writes
 * evaluations, a summary and plots; {@code bench summarize} rebuilds summary and plots from
 * CSVs (for example to merge the Optuna script's); {@code bench testpoints} writes the table
 * that ties the Optuna script's functions to ours.
 */
public final class BenchCommand {
    static final String USAGE = """
            usage: hypatia bench --optimizers LIST --benchmarks LIST [options] [--no-summary]
                   hypatia bench summarize PATH... [--out DIR] [--checkpoints LIST]
                                     [--time-budget T] [--reference NAME] [--at-epochs LIST]
                   hypatia bench eval-server --benchmark NAME [--seed S] [--benchmark-data DIR]
                   hypatia bench testpoints --out FILE [--seeds N]
                   hypatia bench deepen --benchmark NAME [--seeds N] [--budgets R1,R2,...] [--raise-at T1,...] [--time T]
                   hypatia bench report-latency [--running N] [--reports M] [--scheduler SPEC]
                                     [--mode in-process,service] [--max-step S] [--out FILE] [--no-fsync]

            Runs every optimizer on every benchmark for every seed. Each run is a fresh study driven by
            W simulated asynchronous workers: an evaluation takes the benchmark's simulated cost and
            the clock jumps from event to event, so anytime performance against simulated time costs
            no waiting. Writes DIR/evaluations.csv (one row per evaluation), summary.csv, summary.md
            and plots/ (PNG and SVG), and prints the summary.

            options:
              --optimizers LIST     sampler[:k=v,...][+scheduler[:k=v,...]], comma-separated, e.g.
                                    random,random+median:min_completed=3 (a ",k=v" piece continues
                                    the previous optimizer's settings)
              --benchmarks LIST     benchmark names or globs, e.g. branin,hartmann6 or 'fcnet-*'
              --seeds N|A..B|LIST   run seeds (default 10: seeds 1..10); seed s runs the benchmark's
                                    variant instance(s), e.g. a synthetic function with a moved optimum
              --trials N            trials per run (default 100)
              --workers W           simulated asynchronous workers per run (default 1)
              --max-time SECONDS    stop each run at this simulated time (default: no limit)
              --step-size D         steps of trials trained step by step (fidelity + scheduler):
                                    fidelity.min + k*D up to the budget (default 1)
              --mode MODE           in-process (default): the engine called directly, bit-for-bit
                                    reproducible; service: through the gRPC API of a real service,
                                    W worker threads per run, wall time includes the RPCs
              --parallel N          runs at once (default: the number of cores)
              --checkpoints LIST    also summarise after these trial counts, e.g. 50,100,200
              --out DIR             results folder (default bench-results)
              --no-summary          write only evaluations.csv, not summary and plots (re-reading
                                    millions of rows takes minutes); prints the `bench summarize`
                                    command that writes them later
              --config FILE         a JSON object with the same keys (optimizers, benchmarks, seeds,
                                    trials, workers, max_time, ...); command-line options win
              --benchmark-data DIR  data of the tabular/YAHPO benchmarks (default $HYPATIA_BENCHMARK_DATA)
              --deploy-dir DIR      plugin bundles (default <install>/deploy)
              --system-dir DIR      framework bundles (default <install>/system)

            summarize: reads evaluation CSVs (a folder means every CSV in it with the evaluation
            header, e.g. evaluations.csv and an Optuna script's output) and writes summary.csv,
            summary.md and plots/ to --out (default: the first folder given). With --time-budget
            or --at-epochs it also writes anytime.csv/.md: regret at 25/50/100% of T, the time to
            reach the reference's (default random) final regret and the speed-up, epochs trained,
            and regret after each number of epochs in --at-epochs. A run with --max-time writes
            anytime.csv/.md itself.

            eval-server: serves one benchmark's evaluations on stdin/stdout for other languages'
            scripts (optuna_bench.py --lcbench): it first prints one JSON line describing the
            benchmark (space, objective, fidelity, optimum), then answers each request line
            {"config": {...}, "budget": r, "seed": s} with {"values": [...], "cost": c}
            (or {"error": "..."}).

            report-latency (also `hypatia bench-report`): the time of each Report decision with
            --running trials (default 1000) kept running until the study holds --reports reports
            (default 100000), on a real SQLite store (fsync on unless --no-fsync), in-process and
            through gRPC on loopback; scheduler SPEC as in --optimizers (default asha), fidelity
            epoch 1..--max-step (default 100). Prints p50/p99/max per tenth of the run and for the
            whole run, and writes them to --out (default report-latency.csv).

            deepen: Iterative Deepening Hyperband against starting over (`hypatia bench deepen` prints its options).

            testpoints: writes the table of synthetic-function test points, shifts and optima that
            runtime/.../python/optuna_bench.py reads (run seeds 0..N, default 20).
            """;

    /** Flag: write the evaluations only; {@code bench summarize} reads them later. */
    static final String NO_SUMMARY = "no-summary";

    private BenchCommand() {
    }

    public static int run(String[] args) {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        try {
            String first = args.length == 0 ? "" : args[0];
            switch (first) {
                case "help", "--help", "-h", "" -> {
                    System.out.print(USAGE);
                    return first.isEmpty() ? 2 : 0;
                }
                case "summarize" -> {
                    return summarize(new CliOptions(args, 1, Set.of("out", "checkpoints", "time-budget", "reference", "at-epochs"),
                            Set.of(), true));
                }
                case "eval-server" -> {
                    return evalServer(new CliOptions(args, 1, Set.of("benchmark", "seed", "benchmark-data", "deploy-dir",
                            "system-dir"), Set.of(), false));
                }
                case "report-latency" -> {
                    return reportLatency(new CliOptions(args, 1, Set.of("running", "reports", "scheduler", "mode", "max-step",
                            "out", "deploy-dir", "system-dir"), Set.of("no-fsync"), false));
                }
                case "deepen" -> {
                    return DeepeningBench.run(new CliOptions(args, 1, DeepeningBench.OPTIONS, Set.of(), false));
                }
                case "testpoints" -> {
                    return testPoints(new CliOptions(args, 1, Set.of("out", "seeds", "deploy-dir", "system-dir"), Set.of(), false));
                }
                default -> {
                    return runPlan(new CliOptions(args, 0, BenchPlan.OPTIONS, Set.of(NO_SUMMARY), false));
                }
            }
        } catch (BenchException e) {
            System.err.println("hypatia bench: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("hypatia bench: failed: " + e);
            e.printStackTrace();
            return 1;
        }
    }

    private static int runPlan(CliOptions cli) throws Exception {
        BenchPlan plan = BenchPlan.from(cli);
        Path dataDir = Files.createTempDirectory("hypatia-bench");
        try (HypatiaServer server = startServer(cli, plan.benchmarkData(), dataDir)) {
            GrpcBackend grpc = plan.mode() == BenchPlan.Mode.SERVICE ? new GrpcBackend("127.0.0.1", server.port()) : null;
            try {
                BenchRunner.Result result = new BenchRunner(plan, server.plugins(), grpc == null ? null : () -> grpc, System.out).run();
                if (cli.flag(NO_SUMMARY)) {
                    System.out.printf("%n%d runs, %d evaluations, %.1f s wall time; evaluations in %s%nsummary skipped (--%s); "
                            + "write it later with:%n  %s%n", result.runs(), result.rows(), result.wallSeconds(),
                            result.csv().toAbsolutePath(), NO_SUMMARY, laterSummary(plan));
                } else {
                    Summary summary = summarizeFiles(List.of(result.csv()), plan.checkpoints(), plan.out());
                    if (Double.isFinite(plan.maxTime())) {
                        AnytimeTable table = new AnytimeTable(summary, plan.maxTime(), "random", List.of());
                        table.write(plan.out());
                        System.out.printf("%nanytime.md:%n%s", table.markdown());
                    }
                    System.out.printf("%n%s%d runs, %d evaluations, %.1f s wall time; results in %s%n", summary.text(), result.runs(),
                            result.rows(), result.wallSeconds(), plan.out().toAbsolutePath());
                }
                result.warnings().forEach(w -> System.err.println("warning: " + w));
                result.failures().forEach(f -> System.err.println("failed run: " + f));
                return result.failures().isEmpty() ? 0 : 1;
            } finally {
                if (grpc != null) {
                    grpc.close();
                }
            }
        } finally {
            deleteTree(dataDir);
        }
    }

    /** The {@code bench summarize} command that writes what a run with {@code --no-summary} left out. */
    static String laterSummary(BenchPlan plan) {
        StringBuilder b = new StringBuilder("hypatia bench summarize ").append(plan.out());
        if (!plan.checkpoints().isEmpty()) {
            b.append(" --checkpoints ").append(String.join(",", plan.checkpoints().stream().map(String::valueOf).toList()));
        }
        if (Double.isFinite(plan.maxTime())) {
            b.append(" --time-budget ").append(EvaluationCsv.number(plan.maxTime()));
        }
        return b.toString();
    }

    private static int summarize(CliOptions cli) throws IOException {
        if (cli.positional().isEmpty()) {
            throw new BenchException("summarize needs at least one evaluation CSV or results folder");
        }
        List<Path> files = new ArrayList<>();
        Path defaultOut = null;
        for (String p : cli.positional()) {
            Path path = Path.of(p);
            if (Files.isDirectory(path)) {
                defaultOut = defaultOut == null ? path : defaultOut;
                try (Stream<Path> s = Files.list(path)) {
                    List<Path> csvs = s.filter(f -> f.toString().endsWith(".csv") && isEvaluationCsv(f)).sorted().toList();
                    if (csvs.isEmpty()) {
                        throw new BenchException("folder " + path + " holds no evaluation CSV");
                    }
                    files.addAll(csvs);
                }
            } else if (Files.isRegularFile(path)) {
                files.add(path);
            } else {
                throw new BenchException("no such file or folder: " + path);
            }
        }
        Path out = cli.has("out") ? Path.of(cli.get("out"))
                : defaultOut != null ? defaultOut : files.get(0).toAbsolutePath().getParent();
        Summary summary = summarizeFiles(files, BenchPlan.parseCheckpoints(cli.get("checkpoints")), out);
        System.out.print(summary.text());
        if (cli.has("time-budget") || cli.has("at-epochs")) {
            double budget = cli.has("time-budget") ? positive(cli.get("time-budget"), "--time-budget") : Double.POSITIVE_INFINITY;
            List<Double> epochs = new ArrayList<>();
            if (cli.has("at-epochs")) {
                for (String e : cli.get("at-epochs").split(",")) {
                    epochs.add(positive(e, "--at-epochs"));
                }
            }
            AnytimeTable table = new AnytimeTable(summary, Double.isFinite(budget) ? budget : longestRun(summary), 
                    cli.has("reference") ? cli.get("reference") : "random", epochs);
            table.write(out);
            System.out.printf("%nanytime.md:%n%s", table.markdown());
        }
        System.out.println("summary and plots in " + out.toAbsolutePath());
        return 0;
    }

    private static double positive(String text, String option) {
        try {
            double v = Double.parseDouble(text.trim());
            if (v > 0 && Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BenchException(option + " must be a positive number, got '" + text + "'");
    }

    private static double longestRun(Summary summary) {
        return summary.curves().values().stream().flatMap(m -> m.values().stream()).flatMap(List::stream)
                .mapToDouble(c -> c.simTime()[c.simTime().length - 1]).max().orElse(1);
    }

    /**
     * Reads the CSVs (a run may appear in one file only), writes summary and plots to {@code out}. A long
     * summary (millions of rows) says how far it got on standard error.
     */
    static Summary summarizeFiles(List<Path> files, List<Integer> checkpoints, Path out) throws IOException {
        SummaryProgress progress = new SummaryProgress(System.err, files);
        List<EvaluationRow> rows = new ArrayList<>();
        Map<List<Object>, Path> runFile = new HashMap<>();
        for (Path f : files) {
            for (EvaluationRow r : EvaluationCsv.read(f, progress::read)) {
                Path previous = runFile.putIfAbsent(List.of(r.optimizer(), r.benchmark(), r.seed()), f);
                if (previous != null && !previous.equals(f)) {
                    throw new BenchException("run " + r.optimizer() + " / " + r.benchmark() + " / seed " + r.seed()
                            + " appears in both " + previous + " and " + f);
                }
                rows.add(r);
            }
        }
        if (rows.isEmpty()) {
            throw new BenchException("no evaluations in " + files);
        }
        progress.phase("summarising " + rows.size() + " evaluations");
        Summary summary = Summary.of(rows, checkpoints);
        summary.write(out);
        progress.phase("drawing plots");
        Plots.write(summary, out.resolve("plots"));
        progress.done();
        return summary;
    }

    private static boolean isEvaluationCsv(Path f) {
        try (var in = Files.newBufferedReader(f)) {
            String header = in.readLine();
            return header != null && EvaluationCsv.isHeader(header);
        } catch (IOException e) {
            return false;
        }
    }

    private static int evalServer(CliOptions cli) throws Exception {
        if (!cli.has("benchmark")) {
            throw new BenchException("eval-server needs --benchmark NAME");
        }
        long seed = 0;
        if (cli.has("seed")) {
            try {
                seed = Long.parseLong(cli.get("seed").trim());
            } catch (NumberFormatException e) {
                throw new BenchException("--seed must be an integer, got '" + cli.get("seed") + "'");
            }
        }
        String data = cli.has("benchmark-data") ? cli.get("benchmark-data") : System.getenv("HYPATIA_BENCHMARK_DATA");
        // stdout carries the protocol only: anything the framework prints goes to stderr
        java.io.PrintStream protocol = System.out;
        System.setOut(System.err);
        Path dataDir = Files.createTempDirectory("hypatia-bench");
        try (HypatiaServer server = startServer(cli, data == null ? null : Path.of(data), dataDir)) {
            String name = cli.get("benchmark");
            List<String> loaded = BenchRunner.loaded(server.plugins(), "benchmark");
            Benchmark b = server.plugins().benchmark(name, "").orElseThrow(() -> new BenchException("no benchmark named '"
                    + name + "' is loaded; loaded benchmarks: " + loaded
                    + (data == null ? " (tabular and YAHPO benchmarks need --benchmark-data DIR)" : ""))).service();
            var out = new java.io.PrintWriter(new java.io.OutputStreamWriter(protocol, java.nio.charset.StandardCharsets.UTF_8));
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
            new EvalServer(b.instance(seed)).serve(in, out);
            return 0;
        } finally {
            deleteTree(dataDir);
        }
    }

    private static int reportLatency(CliOptions cli) throws Exception {
        int running = (int) positiveLong(cli, "running", 1000);
        long reports = positiveLong(cli, "reports", 100_000);
        double maxStep = positiveLong(cli, "max-step", 100);
        if (reports > Integer.MAX_VALUE) {
            throw new BenchException("--reports must be at most " + Integer.MAX_VALUE);
        }
        OptimizerSpec spec = OptimizerSpec.parse("random+" + (cli.has("scheduler") ? cli.get("scheduler") : "asha"));
        List<String> modes = List.of((cli.has("mode") ? cli.get("mode") : "in-process,service").split(","));
        for (String m : modes) {
            if (!m.equals("in-process") && !m.equals("service")) {
                throw new BenchException("--mode: expected in-process, service or both comma-separated, got '" + m + "'");
            }
        }
        boolean fsync = !cli.flag("no-fsync");
        Path out = Path.of(cli.has("out") ? cli.get("out") : "report-latency.csv");
        Path dataDir = Files.createTempDirectory("hypatia-report-latency");
        String home = System.getProperty("hypatia.home");
        try (HypatiaServer server = HypatiaServer.start(new HypatiaServer.Options(dataDir.resolve("service"),
                folder(cli, "deploy-dir", home, "deploy"), folder(cli, "system-dir", home, "system"), "127.0.0.1", 0, fsync,
                null, 1000))) {
            awaitPlugins(server.plugins());
            BenchRunner.checkOptimizers(List.of(spec), server.plugins());
            System.out.printf("Report latency: %d running trials, %d reports, scheduler %s, fidelity 1..%s, store fsync %s%n",
                    running, reports, spec.scheduler().name() + spec.scheduler().config(), Summary.num(maxStep),
                    fsync ? "on" : "off");
            List<ReportLatency.Window> windows = new ArrayList<>();
            for (String m : modes) {
                if (m.equals("in-process")) {
                    Path storeDir = Files.createDirectories(dataDir.resolve("in-process"));
                    try (EngineBackend backend = new EngineBackend(server.plugins(),
                            io.hypatia.engine.store.Store.open(storeDir, fsync))) {
                        windows.addAll(new ReportLatency(backend, m, spec.scheduler(), running, reports, maxStep, System.err)
                                .run("report-latency"));
                    }
                } else {
                    try (GrpcBackend backend = new GrpcBackend("127.0.0.1", server.port())) {
                        windows.addAll(new ReportLatency(backend, m, spec.scheduler(), running, reports, maxStep, System.err)
                                .run("report-latency"));
                    }
                }
            }
            System.out.print(ReportLatency.table(windows));
            ReportLatency.writeCsv(out, windows);
            System.out.println("window 0 is the whole run; written to " + out.toAbsolutePath());
            return 0;
        } finally {
            deleteTree(dataDir);
        }
    }

    private static long positiveLong(CliOptions cli, String option, long dflt) {
        if (!cli.has(option)) {
            return dflt;
        }
        try {
            long v = Long.parseLong(cli.get(option).trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BenchException("--" + option + " must be a positive integer, got '" + cli.get(option) + "'");
    }

    private static int testPoints(CliOptions cli) throws Exception {
        if (!cli.has("out")) {
            throw new BenchException("testpoints needs --out FILE");
        }
        int seeds = TestPoints.DEFAULT_SEEDS;
        if (cli.has("seeds")) {
            try {
                seeds = Integer.parseInt(cli.get("seeds").trim());
            } catch (NumberFormatException e) {
                throw new BenchException("--seeds must be an integer, got '" + cli.get("seeds") + "'");
            }
        }
        Path dataDir = Files.createTempDirectory("hypatia-bench");
        try (HypatiaServer server = startServer(cli, null, dataDir)) {
            Map<String, Benchmark> benchmarks = new LinkedHashMap<>();
            for (String name : TestPoints.FUNCTIONS) {
                server.plugins().benchmark(name, "").ifPresent(b -> benchmarks.put(name, b.service()));
            }
            Path out = Path.of(cli.get("out"));
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            Files.writeString(out, TestPoints.generate(benchmarks, seeds));
            System.out.println("wrote test points of " + benchmarks.size() + " functions at run seeds 0.." + seeds + " to " + out);
            return 0;
        } finally {
            deleteTree(dataDir);
        }
    }

    /**
     * The service, for its plugins (and its gRPC port in service mode): Felix with the
     * distribution's system and deploy folders, a throw-away data folder, no fsync.
     */
    static HypatiaServer startServer(CliOptions cli, Path benchmarkData, Path dataDir) throws Exception {
        String home = System.getProperty("hypatia.home");
        Path deploy = folder(cli, "deploy-dir", home, "deploy");
        Path system = folder(cli, "system-dir", home, "system");
        if (!Files.isDirectory(system)) {
            throw new BenchException("system bundle folder " + system + " does not exist");
        }
        if (benchmarkData != null && !Files.isDirectory(benchmarkData)) {
            throw new BenchException("--benchmark-data " + benchmarkData + " is not a folder");
        }
        HypatiaServer server = HypatiaServer.start(new HypatiaServer.Options(dataDir, deploy, system, "127.0.0.1", 0, false,
                benchmarkData, 1000));
        awaitPlugins(server.plugins());
        return server;
    }

    /** Declarative Services may still be activating components; waits until the plugin list holds still. */
    private static void awaitPlugins(Plugins plugins) throws InterruptedException {
        int last = -1, stable = 0;
        for (int i = 0; i < 100 && stable < 3; i++) {
            int n = plugins.list().size();
            stable = n == last && n > 0 ? stable + 1 : 0;
            last = n;
            Thread.sleep(50);
        }
    }

    private static Path folder(CliOptions cli, String option, String home, String sub) {
        if (cli.has(option)) {
            return Path.of(cli.get(option));
        }
        if (home == null) {
            throw new BenchException("--" + option + " is required when not started through bin/hypatia");
        }
        return Path.of(home, sub);
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temp folder left behind is harmless
        }
    }
}
