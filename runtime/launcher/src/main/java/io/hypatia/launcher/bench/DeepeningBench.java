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
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code hypatia bench deepen}: Iterative Deepening Hyperband (Brandt et al. 2023) against
 * starting over. Both variants first run asynchronous Hyperband with the max budget too small
 * ({@code --small-max}) for {@code --phase1} simulated seconds. Then the deepened study has its
 * max budget raised to the benchmark's full max and goes on (its best finished trials continue
 * from their checkpoints), while the other variant starts a new Hyperband study at the full max
 * from scratch; each gets {@code --phase2} more simulated seconds. Scores count only evaluations
 * at the full max (what a user would deploy). Reported per seed: each variant's best score at
 * the end, and the simulated time and epochs (phase 1 included) the deepened study needed to
 * reach the restarted study's final score: the total cost of the same result.
 */
final class DeepeningBench {
    static final String USAGE = """
            usage: hypatia bench deepen --benchmark NAME [--seeds N|A..B|LIST] [--workers W] [--eta E]
                                        [--small-max R] [--phase1 T1] [--phase2 T2] [--step-size D]
                                        [--benchmark-data DIR] [--out FILE]

            Iterative Deepening Hyperband against starting over, in simulated time: Hyperband (random
            sampler, eta E, default 3) at max budget R (default: the benchmark's max / E) for T1
            simulated seconds (default 2400); then either the max budget is raised to the benchmark's
            max and the study goes on (deepened), or a new study at the full max starts from scratch
            (restarted); T2 more seconds each (default 4800). W workers (default 4). Prints, per seed,
            the best score at the full max of each variant and the time and epochs (phase 1 included)
            the deepened study needed to reach the restarted one's final score; writes them to FILE
            (default deepen.csv).
            """;
    static final java.util.Set<String> OPTIONS = java.util.Set.of("benchmark", "seeds", "workers", "eta", "small-max", "phase1",
            "phase2", "step-size", "benchmark-data", "out", "deploy-dir", "system-dir");

    private final Plugins plugins;
    private final PrintStream log;

    DeepeningBench(Plugins plugins, PrintStream log) {
        this.plugins = plugins;
        this.log = log;
    }

    /** What one variant reached: its rows after phase 1, on a clock and epoch count that include phase 1. */
    record Curve(List<double[]> points, double phase1Epochs) {
        /** Best loss at the full max by the end. */
        double finalLoss() {
            return points.isEmpty() ? Double.POSITIVE_INFINITY : points.get(points.size() - 1)[2];
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

    /** One seed's comparison. */
    record Outcome(long seed, Curve deepened, Curve restarted, int continued) {
    }

    Outcome runSeed(Benchmark benchmark, String name, long seed, int workers, double eta, double smallMax, double phase1,
                    double phase2, double stepSize) {
        Benchmark instance = benchmark.instance(seed);
        Fidelity full = instance.fidelity().orElseThrow(() -> new BenchException("benchmark " + name + " has no fidelity"));
        Direction direction = instance.objectives().get(0).direction();
        OptimizerSpec hyperband = new OptimizerSpec("random+hyperband", PluginRef.of("random"),
                new PluginRef("hyperband", "", Map.of("eta", Double.toString(eta))));

        // Deepened: one study, raised to the full max at the end of phase 1.
        int[] continued = new int[1];
        List<EvaluationRow> deepRows;
        try (EngineBackend backend = new EngineBackend(plugins)) {
            String study = "deepen-" + seed;
            StudySpec created = Simulator.studySpec(study, instance, hyperband, seed);
            StudySpec small = new StudySpec(study, created.space(), created.objectives(), created.sampler(), created.scheduler(),
                    new Fidelity(full.name(), full.min(), smallMax), created.leaseMillis(), created.onLeaseExpired(),
                    created.maxAttempts(), created.samplerTimeoutMillis(), created.schedulerTimeoutMillis());
            StudyBackend.Study s = backend.create(small);
            Simulator.Run run = new Simulator.Run("deepened", name, seed, instance, true, workers, Integer.MAX_VALUE,
                    phase1 + phase2, stepSize);
            deepRows = new Simulator(run, s, Simulator.Dispatcher.SEQUENTIAL, () -> 0)
                    .raising(List.of(new Simulator.Raise(phase1, full.max())),
                            max -> continued[0] = backend.engine().raiseMaxBudget(study, max).continued().size())
                    .simulate();
        }
        double phase1Epochs = 0;
        for (EvaluationRow r : deepRows) {
            if (r.simTime() <= phase1) {
                phase1Epochs = r.epochs();
            }
        }
        Curve deepened = curve(deepRows, full.max(), direction, phase1, 0, phase1Epochs, phase1);

        // Restarted: phase 1 as above (the same run up to the raise), then a new study at the full max.
        List<EvaluationRow> scratchRows;
        try (EngineBackend backend = new EngineBackend(plugins)) {
            OptimizerSpec reseeded = new OptimizerSpec(hyperband.label(), new PluginRef("random", "",
                    Map.of("seed", Long.toString(seed * 7919 + 1))), hyperband.scheduler());
            StudyBackend.Study s = backend.create(Simulator.studySpec("restart-" + seed, instance, reseeded, seed));
            Simulator.Run run = new Simulator.Run("restarted", name, seed, instance, true, workers, Integer.MAX_VALUE,
                    phase2, stepSize);
            scratchRows = new Simulator(run, s, Simulator.Dispatcher.SEQUENTIAL, () -> 0).simulate();
        }
        Curve restarted = curve(scratchRows, full.max(), direction, 0, phase1, phase1Epochs, 0);
        return new Outcome(seed, deepened, restarted, continued[0]);
    }

    /**
     * The best loss at the full max over the rows after {@code from}, as points (total time,
     * total epochs, best loss); {@code timeShift}/{@code epochShift} add phase 1 to a run that
     * did not include it.
     */
    private static Curve curve(List<EvaluationRow> rows, double fullMax, Direction direction, double from, double timeShift,
                               double epochShift, double phase1) {
        List<double[]> points = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        double epochsAtFrom = 0;
        for (EvaluationRow r : rows) {
            if (r.simTime() <= from) {
                epochsAtFrom = r.epochs();
                continue;
            }
            if (r.resource() >= fullMax * (1 - 1e-9)) {
                best = Math.min(best, direction.toLoss(r.values().get(0)));
            }
            double epochs = from > 0 ? r.epochs() : r.epochs() + epochShift;
            points.add(new double[] {r.simTime() + timeShift, epochs, best});
        }
        return new Curve(points, from > 0 ? epochsAtFrom : epochShift);
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
        double phase1 = number(cli, "phase1", 2400);
        double phase2 = number(cli, "phase2", 4800);
        double stepSize = number(cli, "step-size", 1);
        Path out = Path.of(cli.has("out") ? cli.get("out") : "deepen.csv");
        String data = cli.has("benchmark-data") ? cli.get("benchmark-data") : System.getenv("HYPATIA_BENCHMARK_DATA");
        Path dataDir = Files.createTempDirectory("hypatia-bench");
        try (var server = BenchCommand.startServer(cli, data == null ? null : Path.of(data), dataDir)) {
            Benchmark b = server.plugins().benchmark(name, "").orElseThrow(() -> new BenchException("no benchmark named '" + name
                    + "' is loaded; loaded benchmarks: " + BenchRunner.loaded(server.plugins(), "benchmark")
                    + (data == null ? " (tabular and YAHPO benchmarks need --benchmark-data DIR)" : ""))).service();
            Fidelity full = b.instance(seeds.get(0)).fidelity().orElseThrow(() -> new BenchException(name + " has no fidelity"));
            double smallMax = number(cli, "small-max", full.max() / eta);
            DeepeningBench bench = new DeepeningBench(server.plugins(), System.out);
            List<Outcome> outcomes = new ArrayList<>();
            for (long seed : seeds) {
                Outcome o = bench.runSeed(b, name, seed, workers, eta, smallMax, phase1, phase2, stepSize);
                outcomes.add(o);
                bench.print(o, phase1 + phase2);
            }
            bench.summary(outcomes, name, workers, eta, smallMax, full.max(), phase1, phase2, out);
            return 0;
        } finally {
            BenchCommand.deleteTree(dataDir);
        }
    }

    private void print(Outcome o, double end) {
        double target = o.restarted().finalLoss();
        double[] reach = o.deepened().reach(target);
        double scratchEpochs = o.restarted().points().isEmpty() ? 0 : o.restarted().points().get(o.restarted().points().size() - 1)[1];
        log.printf(Locale.ROOT, "seed %d: continued %d; final best loss at the full max: deepened %.4f, restarted %.4f; "
                        + "deepened reaches the restarted result at %s s, %s epochs (restarted: %.0f s, %.0f epochs)%n",
                o.seed(), o.continued(), o.deepened().finalLoss(), target,
                reach == null ? "never" : String.format(Locale.ROOT, "%.0f", reach[0]),
                reach == null ? "-" : String.format(Locale.ROOT, "%.0f", reach[1]), end, scratchEpochs);
    }

    private void summary(List<Outcome> outcomes, String name, int workers, double eta, double smallMax, double fullMax,
                         double phase1, double phase2, Path out) throws IOException {
        double end = phase1 + phase2;
        StringBuilder csv = new StringBuilder("benchmark,seed,continued,deepened_final_loss,restarted_final_loss,"
                + "deepened_time_to_restarted_result,deepened_epochs_to_restarted_result,restarted_time,restarted_epochs,"
                + "phase1_epochs\n");
        List<Double> timeRatios = new ArrayList<>(), epochRatios = new ArrayList<>();
        int reached = 0, better = 0;
        for (Outcome o : outcomes) {
            double target = o.restarted().finalLoss();
            double[] reach = o.deepened().reach(target);
            List<double[]> rp = o.restarted().points();
            double scratchEpochs = rp.isEmpty() ? o.restarted().phase1Epochs() : rp.get(rp.size() - 1)[1];
            if (reach != null) {
                reached++;
                timeRatios.add(reach[0] / end);
                epochRatios.add(reach[1] / scratchEpochs);
            }
            if (o.deepened().finalLoss() <= target) {
                better++;
            }
            csv.append(String.format(Locale.ROOT, "%s,%d,%d,%.6g,%.6g,%s,%s,%.1f,%.1f,%.1f%n", name, o.seed(), o.continued(),
                    o.deepened().finalLoss(), target, reach == null ? "" : String.format(Locale.ROOT, "%.1f", reach[0]),
                    reach == null ? "" : String.format(Locale.ROOT, "%.1f", reach[1]), end, scratchEpochs, o.deepened().phase1Epochs()));
        }
        Files.writeString(out, csv.toString());
        log.printf(Locale.ROOT, "%s, %d workers, hyperband eta %s, max budget %s raised to %s at %.0f s, %.0f s more: "
                        + "deepened reached the restarted result in %d of %d seeds (at least as good at the end in %d); "
                        + "median total time to it %.2f and total epochs %.2f of the restarted run's%n",
                name, workers, text(eta), text(smallMax), text(fullMax), phase1, phase2, reached, outcomes.size(), better,
                median(timeRatios), median(epochRatios));
        log.println("wrote " + out);
    }

    private static String text(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4g", v);
    }

    private static double median(List<Double> xs) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static double number(CliOptions cli, String key, double fallback) {
        if (!cli.has(key)) {
            return fallback;
        }
        try {
            double v = Double.parseDouble(cli.get(key).trim());
            if (!(v > 0) || !Double.isFinite(v)) {
                throw new BenchException("--" + key + " must be a positive number, got '" + cli.get(key) + "'");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new BenchException("--" + key + " must be a number, got '" + cli.get(key) + "'");
        }
    }
}
