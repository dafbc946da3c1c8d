package io.hypatia.launcher.bench;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.study.Direction;
import io.hypatia.engine.PluginRef;
import io.hypatia.engine.Plugins;
import io.hypatia.engine.StudySpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code hypatia bench deepen}: Iterative Deepening Hyperband (Brandt et al. 2023) in simulated
 * time. Asynchronous Hyperband (random sampler) starts with a max budget that is too small and
 * has it raised one or more times while it runs, up to the benchmark's max (<b>deepened</b>: its
 * best finished trials continue from their checkpoints). It is compared over the same total time
 * with the two things a user could do instead: start a new study at each larger max budget
 * (<b>restarted</b>), or run one study at the benchmark's max from the start (<b>full</b>: the
 * budget known in advance). Scores count only evaluations at the benchmark's max (what a user
 * would deploy). Reported per seed: each variant's best score at the end and the simulated time
 * and epochs each needed to reach the full study's final score.
 */
final class DeepeningBench {
    static final String USAGE = """
            usage: hypatia bench deepen --benchmark NAME [--seeds N|A..B|LIST] [--workers W] [--eta E]
                                        [--budgets R1,R2,...] [--raise-at T1,T2,...] [--time T]
                                        [--step-size D] [--benchmark-data DIR] [--out FILE]

            Iterative Deepening Hyperband against starting over and against knowing the max budget, in
            simulated time (T seconds in all, default 7200; W workers, default 4; Hyperband eta E,
            default 3). The deepened study starts at max budget R1 and is raised to R2, ... at the
            times T1, T2, ... (defaults: R = max/E^2, max/E, max, i.e. raised twice, at equal
            intervals); the last budget must be the benchmark's max. The restarted variant starts a
            new study at each raise instead; the full variant runs at the benchmark's max from the
            start. Prints, per seed, each variant's best score at the max and the time and epochs
            each needed to reach the full study's final score, then the medians; writes them to FILE
            (default deepen.csv). --small-max R --phase1 T1 --phase2 T2 mean --budgets R,max
            --raise-at T1 --time T1+T2 (one raise).
            """;
    static final java.util.Set<String> OPTIONS = java.util.Set.of("benchmark", "seeds", "workers", "eta", "budgets", "raise-at",
            "time", "small-max", "phase1", "phase2", "step-size", "benchmark-data", "out", "deploy-dir", "system-dir");

    /** The variants, in the order of the CSV columns. */
    enum Variant { DEEPENED, RESTARTED, FULL }

    private final Plugins plugins;
    private final PrintStream log;

    DeepeningBench(Plugins plugins, PrintStream log) {
        this.plugins = plugins;
        this.log = log;
    }

    /** A variant's progress: points (total simulated time, total epochs, best loss at the full max so far). */
    record Curve(List<double[]> points) {
        double finalLoss() {
            return points.isEmpty() ? Double.POSITIVE_INFINITY : points.get(points.size() - 1)[2];
        }

        double totalEpochs() {
            return points.isEmpty() ? 0 : points.get(points.size() - 1)[1];
        }

        /** The first (time, epochs) at which the best loss is at most {@code target}, or null. */
        double[] reach(double target) {
            for (double[] p : points) {
                if (p[2] <= target) {
                    return p;
                }
            }
            return null;
        }
    }

    /** The schedule of max budgets: {@code budgets[0]} from time 0, {@code budgets[i]} from {@code raiseAt[i-1]}, until {@code end}. */
    record Schedule(double[] budgets, double[] raiseAt, double end) {
        Schedule {
            if (budgets.length < 2 || raiseAt.length != budgets.length - 1) {
                throw new BenchException("--budgets needs at least two values and --raise-at one time per raise (" + (budgets.length - 1)
                        + "), got " + raiseAt.length);
            }
            for (int i = 1; i < budgets.length; i++) {
                if (!(budgets[i] > budgets[i - 1])) {
                    throw new BenchException("--budgets must increase, got " + Arrays.toString(budgets));
                }
            }
            for (int i = 0; i < raiseAt.length; i++) {
                if (!(raiseAt[i] > (i == 0 ? 0 : raiseAt[i - 1])) || !(raiseAt[i] < end)) {
                    throw new BenchException("--raise-at must increase and lie in (0, --time " + end + "), got " + Arrays.toString(raiseAt));
                }
            }
        }

        double start(int phase) {
            return phase == 0 ? 0 : raiseAt[phase - 1];
        }

        double end(int phase) {
            return phase == raiseAt.length ? end : raiseAt[phase];
        }
    }

    /** One seed's comparison; {@code continued} counts the trials reopened over all raises. */
    record Outcome(long seed, Curve deepened, Curve restarted, Curve full, int continued) {
        Curve curve(Variant v) {
            return switch (v) {
                case DEEPENED -> deepened;
                case RESTARTED -> restarted;
                case FULL -> full;
            };
        }
    }

    Outcome runSeed(Benchmark benchmark, String name, long seed, int workers, double eta, Schedule schedule, double stepSize) {
        Benchmark instance = benchmark.instance(seed);
        Fidelity fidelity = instance.fidelity().orElseThrow(() -> new BenchException("benchmark " + name + " has no fidelity"));
        double fullMax = schedule.budgets()[schedule.budgets().length - 1];
        if (Math.abs(fullMax - fidelity.max()) > 1e-9 * fidelity.max() || schedule.budgets()[0] < fidelity.min()) {
            throw new BenchException("--budgets must lie in the fidelity [" + text(fidelity.min()) + ", " + text(fidelity.max())
                    + "] and end at its max, got " + Arrays.toString(schedule.budgets()));
        }
        Direction direction = instance.objectives().get(0).direction();

        // Deepened: one study, raised at each --raise-at time.
        int[] continued = new int[1];
        Curve deepened;
        try (EngineBackend backend = new EngineBackend(plugins)) {
            String study = "deepen-" + seed;
            StudyBackend.Study s = backend.create(spec(study, instance, fidelity, schedule.budgets()[0], seed, eta, 0));
            List<Simulator.Raise> raises = new ArrayList<>();
            for (int i = 0; i < schedule.raiseAt().length; i++) {
                raises.add(new Simulator.Raise(schedule.raiseAt()[i], schedule.budgets()[i + 1]));
            }
            Simulator.Run run = new Simulator.Run("deepened", name, seed, instance, true, workers, Integer.MAX_VALUE, schedule.end(), stepSize);
            List<EvaluationRow> rows = new Simulator(run, s, Simulator.Dispatcher.SEQUENTIAL, () -> 0)
                    .raising(raises, max -> continued[0] += backend.engine().raiseMaxBudget(study, max).continued().size())
                    .simulate();
            deepened = curve(List.of(rows), List.of(0.0), fullMax, direction);
        }

        // Restarted: a new study (new sampler seed) at each max budget, for that phase's time.
        List<List<EvaluationRow>> phases = new ArrayList<>();
        List<Double> starts = new ArrayList<>();
        for (int p = 0; p < schedule.budgets().length; p++) {
            try (EngineBackend backend = new EngineBackend(plugins)) {
                StudyBackend.Study s = backend.create(spec("restart-" + seed + "-" + p, instance, fidelity, schedule.budgets()[p], seed, eta,
                        seed * 7919 + p + 1));
                Simulator.Run run = new Simulator.Run("restarted", name, seed, instance, true, workers, Integer.MAX_VALUE,
                        schedule.end(p) - schedule.start(p), stepSize);
                phases.add(new Simulator(run, s, Simulator.Dispatcher.SEQUENTIAL, () -> 0).simulate());
                starts.add(schedule.start(p));
            }
        }
        Curve restarted = curve(phases, starts, fullMax, direction);

        // Full: the benchmark's max from the start.
        Curve full;
        try (EngineBackend backend = new EngineBackend(plugins)) {
            StudyBackend.Study s = backend.create(spec("full-" + seed, instance, fidelity, fullMax, seed, eta, seed * 7919 + 101));
            Simulator.Run run = new Simulator.Run("full", name, seed, instance, true, workers, Integer.MAX_VALUE, schedule.end(), stepSize);
            full = curve(List.of(new Simulator(run, s, Simulator.Dispatcher.SEQUENTIAL, () -> 0).simulate()), List.of(0.0), fullMax, direction);
        }
        return new Outcome(seed, deepened, restarted, full, continued[0]);
    }

    /** Hyperband (random sampler, seeded by {@code samplerSeed} when not 0) on {@code instance} at max budget {@code max}. */
    private static StudySpec spec(String study, Benchmark instance, Fidelity fidelity, double max, long seed, double eta, long samplerSeed) {
        OptimizerSpec hyperband = new OptimizerSpec("random+hyperband",
                samplerSeed == 0 ? PluginRef.of("random") : new PluginRef("random", "", Map.of("seed", Long.toString(samplerSeed))),
                new PluginRef("hyperband", "", Map.of("eta", Double.toString(eta))));
        StudySpec created = Simulator.studySpec(study, instance, hyperband, seed);
        return new StudySpec(study, created.space(), created.objectives(), created.sampler(), created.scheduler(),
                new Fidelity(fidelity.name(), fidelity.min(), max), created.leaseMillis(), created.onLeaseExpired(),
                created.maxAttempts(), created.samplerTimeoutMillis(), created.schedulerTimeoutMillis());
    }

    /**
     * The best loss at the full max over runs laid end to end (each starting at its
     * {@code starts} time; epochs add up), as points (total time, total epochs, best loss).
     */
    static Curve curve(List<List<EvaluationRow>> runs, List<Double> starts, double fullMax, Direction direction) {
        List<double[]> points = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY, epochsBefore = 0;
        for (int k = 0; k < runs.size(); k++) {
            double last = 0;
            for (EvaluationRow r : runs.get(k)) {
                if (r.resource() >= fullMax * (1 - 1e-9)) {
                    best = Math.min(best, direction.toLoss(r.values().get(0)));
                }
                points.add(new double[] {r.simTime() + starts.get(k), r.epochs() + epochsBefore, best});
                last = r.epochs();
            }
            epochsBefore += last;
        }
        return new Curve(points);
    }

    static int run(CliOptions cli) throws Exception {
        if (!cli.has("benchmark")) {
            System.err.print(USAGE);
            throw new BenchException("deepen needs --benchmark NAME");
        }
        String name = cli.get("benchmark");
        List<Long> seeds = BenchPlan.parseSeeds(cli.has("seeds") ? cli.get("seeds") : "5");
        int workers = (int) number(cli, "workers", 4);
        double eta = number(cli, "eta", 3);
        double stepSize = number(cli, "step-size", 1);
        Path out = Path.of(cli.has("out") ? cli.get("out") : "deepen.csv");
        String data = cli.has("benchmark-data") ? cli.get("benchmark-data") : System.getenv("HYPATIA_BENCHMARK_DATA");
        Path dataDir = Files.createTempDirectory("hypatia-bench");
        try (var server = BenchCommand.startServer(cli, data == null ? null : Path.of(data), dataDir)) {
            Benchmark b = server.plugins().benchmark(name, "").orElseThrow(() -> new BenchException("no benchmark named '" + name
                    + "' is loaded; loaded benchmarks: " + BenchRunner.loaded(server.plugins(), "benchmark")
                    + (data == null ? " (tabular and YAHPO benchmarks need --benchmark-data DIR)" : ""))).service();
            Fidelity full = b.instance(seeds.get(0)).fidelity().orElseThrow(() -> new BenchException(name + " has no fidelity"));
            Schedule schedule = schedule(cli, full.max(), eta);
            DeepeningBench bench = new DeepeningBench(server.plugins(), System.out);
            System.out.printf(Locale.ROOT, "%s: max budget %s, raised at %s s, %.0f s in all, %d workers, Hyperband eta %s%n", name,
                    join(schedule.budgets()), join(schedule.raiseAt()), schedule.end(), workers, text(eta));
            List<Outcome> outcomes = new ArrayList<>();
            for (long seed : seeds) {
                Outcome o = bench.runSeed(b, name, seed, workers, eta, schedule, stepSize);
                outcomes.add(o);
                bench.print(o);
            }
            bench.summary(outcomes, name, out);
            return 0;
        } finally {
            BenchCommand.deleteTree(dataDir);
        }
    }

    /** --budgets/--raise-at/--time, or the one-raise form --small-max/--phase1/--phase2. */
    private static Schedule schedule(CliOptions cli, double max, double eta) {
        if (cli.has("small-max") || cli.has("phase1") || cli.has("phase2")) {
            if (cli.has("budgets") || cli.has("raise-at") || cli.has("time")) {
                throw new BenchException("give either --budgets/--raise-at/--time or --small-max/--phase1/--phase2, not both");
            }
            double phase1 = number(cli, "phase1", 2400);
            return new Schedule(new double[] {number(cli, "small-max", max / eta), max}, new double[] {phase1},
                    phase1 + number(cli, "phase2", 4800));
        }
        double end = number(cli, "time", 7200);
        double[] budgets = cli.has("budgets") ? numbers(cli, "budgets") : new double[] {max / (eta * eta), max / eta, max};
        double[] raiseAt = new double[budgets.length - 1];
        if (cli.has("raise-at")) {
            raiseAt = numbers(cli, "raise-at");
        } else {
            for (int i = 0; i < raiseAt.length; i++) {
                raiseAt[i] = end * (i + 1) / budgets.length;
            }
        }
        return new Schedule(budgets, raiseAt, end);
    }

    private void print(Outcome o) {
        double target = o.full().finalLoss();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "seed %d: continued %d; best loss at the max:", o.seed(), o.continued()));
        for (Variant v : Variant.values()) {
            Curve c = o.curve(v);
            double[] reach = c.reach(target);
            line.append(String.format(Locale.ROOT, " %s %.4f (the full study's %.4f at %s, %.0f epochs in all)", v.name().toLowerCase(Locale.ROOT),
                    c.finalLoss(), target, reach == null ? "never" : String.format(Locale.ROOT, "%.0f s, %.0f epochs", reach[0], reach[1]),
                    c.totalEpochs()));
            line.append(v == Variant.FULL ? "" : ";");
        }
        log.println(line);
    }

    private void summary(List<Outcome> outcomes, String name, Path out) throws IOException {
        StringBuilder csv = new StringBuilder("benchmark,seed,variant,continued,final_loss,total_epochs,time_to_full_result,epochs_to_full_result\n");
        for (Outcome o : outcomes) {
            double target = o.full().finalLoss();
            for (Variant v : Variant.values()) {
                Curve c = o.curve(v);
                double[] reach = c.reach(target);
                csv.append(String.format(Locale.ROOT, "%s,%d,%s,%d,%.6g,%.1f,%s,%s%n", name, o.seed(), v.name().toLowerCase(Locale.ROOT),
                        v == Variant.DEEPENED ? o.continued() : 0, c.finalLoss(), c.totalEpochs(),
                        reach == null ? "" : String.format(Locale.ROOT, "%.1f", reach[0]),
                        reach == null ? "" : String.format(Locale.ROOT, "%.1f", reach[1])));
            }
        }
        Files.writeString(out, csv.toString());
        for (Variant v : List.of(Variant.DEEPENED, Variant.RESTARTED)) {
            int reached = 0, atLeastAsGood = 0;
            List<Double> epochRatios = new ArrayList<>(), saved = new ArrayList<>();
            for (Outcome o : outcomes) {
                double target = o.full().finalLoss();
                double[] mine = o.curve(v).reach(target), theirs = o.full().reach(target);
                if (o.curve(v).finalLoss() <= target) {
                    atLeastAsGood++;
                }
                if (mine != null && theirs != null) {
                    reached++;
                    epochRatios.add(mine[1] / theirs[1]);
                    saved.add(theirs[1] - mine[1]);
                }
            }
            log.printf(Locale.ROOT, "%s %s: reached the full study's final result in %d of %d seeds (at least as good at the end in %d); "
                            + "median epochs to it %.2f of the full study's (%.0f epochs saved)%n",
                    name, v.name().toLowerCase(Locale.ROOT), reached, outcomes.size(), atLeastAsGood, median(epochRatios), median(saved));
        }
        log.println("wrote " + out);
    }

    private static String join(double[] xs) {
        StringBuilder b = new StringBuilder();
        for (double x : xs) {
            b.append(b.length() == 0 ? "" : ", ").append(text(x));
        }
        return b.toString();
    }

    static String text(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4g", v);
    }

    static double median(List<Double> xs) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static double[] numbers(CliOptions cli, String key) {
        String[] parts = cli.get(key).split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = positive(key, parts[i], cli.get(key));
        }
        return out;
    }

    private static double number(CliOptions cli, String key, double fallback) {
        return cli.has(key) ? positive(key, cli.get(key), cli.get(key)) : fallback;
    }

    private static double positive(String key, String text, String whole) {
        try {
            double v = Double.parseDouble(text.trim());
            if (!(v > 0) || !Double.isFinite(v)) {
                throw new BenchException("--" + key + " must hold positive numbers, got '" + whole + "'");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new BenchException("--" + key + " must hold numbers, got '" + whole + "'");
        }
    }
}
