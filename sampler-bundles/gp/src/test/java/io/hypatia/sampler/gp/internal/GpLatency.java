package io.hypatia.sampler.gp.internal;

import io.hypatia.sampler.gp.model.FitSchedule;
import io.hypatia.sampler.gp.model.MarginalLikelihood;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Trial;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Benchmark of one {@code suggest()} on six float parameters (Hartmann-6 values), default
 * settings, at 100, 300 and 1,000 completed trials. As in a sequential study, the sampler first
 * answers the ask before the window (so its caches hold what a running study's would), then
 * {@code window} consecutive asks are timed, each on a history one trial longer: the window
 * (32 by default, at least the refit interval of {@link FitSchedule}) includes its share of
 * hyper-parameter refits, so the mean is the amortised cost and the max the cost of an ask that
 * refits. A second figure is the ask of a parallel worker while another trial is RUNNING on the
 * same completed history (fit cached: fantasy and acquisition only). Run with
 * <pre>java -cp target/classes:target/test-classes:$(cat cp.txt) io.hypatia.sampler.gp.internal.GpLatency [window] [out.csv]</pre>
 * Prints a table and writes it as CSV (default gp-latency.csv). Besides wall time it reports the
 * asking thread's CPU time (the sampler is single-threaded), which stays meaningful when other
 * processes load the machine.
 */
public final class GpLatency {
    private GpLatency() {
    }

    public static void main(String[] args) throws IOException {
        int window = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        Path out = Path.of(args.length > 1 ? args[1] : "gp-latency.csv");
        SearchSpace space = StudyLoop.unitCube(6);
        // Warm up the JIT on a small study.
        GpSampler warm = new GpSampler();
        List<Trial> w = history(space, 80, 99);
        for (int n = 40; n < 80; n++) {
            warm.suggest(StudyLoop.context(space, w.subList(0, n), 1, Map.of()));
        }
        System.out.printf("GP suggest() latency, 6 float parameters, default settings, %d consecutive asks per size%n", window);
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        System.out.println("| completed trials | mean ms | median ms | max ms | mean CPU ms | max CPU ms | parallel ask, fit cached, ms |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out))) {
            csv.println("completed_trials,asks,mean_ms,median_ms,max_ms,mean_cpu_ms,max_cpu_ms,parallel_cached_ms");
            for (int n : new int[] {100, 300, 1000}) {
                GpSampler sampler = new GpSampler();
                List<Trial> h = history(space, n + window, n);
                sampler.suggest(StudyLoop.context(space, h.subList(0, n - 1), 1, Map.of()));
                double[] ms = new double[window];
                double[] cpu = new double[window];
                for (int r = 0; r < window; r++) {
                    List<Trial> prefix = h.subList(0, n + r);
                    long c0 = threads.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    sampler.suggest(StudyLoop.context(space, prefix, 1, Map.of()));
                    ms[r] = (System.nanoTime() - t0) / 1e6;
                    cpu[r] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
                }
                // Parallel worker: the same completed trials as the last timed ask, one more RUNNING.
                List<Trial> withPending = new ArrayList<>(h.subList(0, n + window - 1));
                withPending.add(StudyLoop.running(n + window - 1, h.get(n + window - 1).config()));
                int repeats = 5;
                long t0 = System.nanoTime();
                for (int r = 0; r < repeats; r++) {
                    sampler.suggest(new SamplerContext("latency", space, List.of(StudyLoop.MINIMIZE), withPending,
                            n + window + r, 1, Map.of()));
                }
                double cached = (System.nanoTime() - t0) / 1e6 / repeats;
                double mean = Arrays.stream(ms).average().orElse(0);
                double max = Arrays.stream(ms).max().orElse(0);
                double median = StudyLoop.median(ms);
                double meanCpu = Arrays.stream(cpu).average().orElse(0);
                double maxCpu = Arrays.stream(cpu).max().orElse(0);
                System.out.printf(Locale.ROOT, "| %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n", n, mean, median, max, meanCpu, maxCpu, cached);
                csv.printf(Locale.ROOT, "%d,%d,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f%n", n, window, mean, median, max, meanCpu, maxCpu, cached);
            }
        }
        System.out.println("written to " + out.toAbsolutePath());
    }

    /**
     * A BO-like history: half uniform, half concentrated around the optimum (as a sampler that
     * converges produces, which is the harder case for conditioning).
     */
    private static List<Trial> history(SearchSpace space, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] opt = {0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573};
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Config c;
            if (i % 2 == 0) {
                c = space.sampleUniform(r);
            } else {
                Map<String, Object> v = new java.util.LinkedHashMap<>();
                for (int j = 0; j < 6; j++) {
                    v.put("x" + j, Math.min(1, Math.max(0, opt[j] + 0.05 * MarginalLikelihood.gaussian(r))));
                }
                c = Config.of(v);
            }
            trials.add(StudyLoop.complete(i, c, StudyLoop.hartmann6(StudyLoop.vector(c, 6)), List.of()));
        }
        return trials;
    }
}
