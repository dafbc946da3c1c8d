package io.hypatia.benchmark.tabular.internal;

import io.hypatia.api.space.Config;
import io.hypatia.api.study.Direction;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Load time, memory and a random-search baseline for every tabular benchmark. From this module:
 * <pre>mvn -q test-compile exec:java</pre>
 * (the pom sets the main class and the test class path), or with the data elsewhere
 * {@code -Dexec.args=/path/to/data} (the folder that contains {@code tabular/}). Writes
 * {@code target/tabular-random-baseline.csv}.
 */
public final class TabularBaseline {
    private static final int RUNS = 20;
    private static final int EVALUATIONS = 200;
    private static final int[] CHECKPOINTS = {50, 100, 200};

    public static void main(String[] args) throws IOException {
        Path data = args.length > 0 ? Path.of(args[0]) : Path.of("../../../shared/data");
        Path tabular = data.resolve("tabular").toAbsolutePath().normalize();

        long heapBefore = usedHeap();
        long start = System.nanoTime();
        List<TabularBenchmark> all = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%-34s %8s %5s %8s %9s%n", "table", "configs", "seeds", "load ms", "values MB");
        for (TabularBenchmarks.TableFile table : TabularBenchmarks.find(tabular)) {
            long t0 = System.nanoTime();
            TabularBenchmark b = TabularBenchmarks.load(table);
            all.add(b);
            System.out.printf(Locale.ROOT, "%-34s %8d %5d %8.0f %9.2f%n", b.name(), b.size(), b.seeds(),
                    (System.nanoTime() - t0) / 1e6, b.valueBytes() / 1e6);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long heapAfter = usedHeap();
        long valueBytes = all.stream().mapToLong(TabularBenchmark::valueBytes).sum();
        System.out.printf(Locale.ROOT, "loaded %d tables in %.2f s (one thread, cold JVM); heap used %.1f MB more after GC"
                + " (value arrays %.1f MB)%n%n", all.size(), seconds, (heapAfter - heapBefore) / 1e6, valueBytes / 1e6);

        // Regret is measured against the best MEAN over seeds, while a run sees one seed's values,
        // so a lucky seed can take it below zero.
        System.out.printf(Locale.ROOT, "random search, %d runs x %d evaluations; median simple regret vs the best mean"
                + " (negative = a seed's value beat the best mean)%n", RUNS, EVALUATIONS);
        System.out.printf(Locale.ROOT, "%-34s %-8s %12s %12s %12s %12s%n", "benchmark", "dir", "optimum",
                "regret@50", "regret@100", "regret@200");
        List<String> csv = new ArrayList<>();
        csv.add("benchmark,direction,optimal_mean,best_single,median_regret_50,median_regret_100,median_regret_200");
        for (TabularBenchmark b : all) {
            double[] medians = medianRegrets(b);
            String dir = b.family().direction() == Direction.MINIMIZE ? "min" : "max";
            System.out.printf(Locale.ROOT, "%-34s %-8s %12.6g %12.4g %12.4g %12.4g%n", b.name(), dir, b.bestMean(),
                    medians[0], medians[1], medians[2]);
            csv.add(String.format(Locale.ROOT, "%s,%s,%.10g,%.10g,%.6g,%.6g,%.6g", b.name(), dir, b.bestMean(),
                    b.bestSingleValue(), medians[0], medians[1], medians[2]));
        }
        Path out = Path.of("target/tabular-random-baseline.csv");
        Files.createDirectories(out.getParent());
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            csv.forEach(w::println);
        }
        System.out.println("wrote " + out.toAbsolutePath());
    }

    /** Median over runs of |best so far - best mean|, signed so that positive means worse than the optimum. */
    static double[] medianRegrets(TabularBenchmark b) {
        Direction d = b.family().direction();
        double[][] regret = new double[CHECKPOINTS.length][RUNS];
        for (int run = 0; run < RUNS; run++) {
            long seed = run;
            double best = Double.NaN;
            for (int t = 0, k = 0; t < EVALUATIONS; t++) {
                Config c = b.space().sampleUniform(new SplittableRandom(seed * 1000003L + t));
                double v = b.evaluate(c, 0, seed).value();
                if (t == 0 || d.better(v, best)) {
                    best = v;
                }
                if (t + 1 == CHECKPOINTS[k]) {
                    regret[k++][run] = d.toLoss(best) - d.toLoss(b.bestMean());
                }
            }
        }
        double[] medians = new double[CHECKPOINTS.length];
        for (int k = 0; k < CHECKPOINTS.length; k++) {
            Arrays.sort(regret[k]);
            medians[k] = (regret[k][RUNS / 2 - 1] + regret[k][RUNS / 2]) / 2;
        }
        return medians;
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
