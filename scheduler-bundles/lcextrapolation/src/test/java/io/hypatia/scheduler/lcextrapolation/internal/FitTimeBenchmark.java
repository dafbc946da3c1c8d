package io.hypatia.scheduler.lcextrapolation.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Decision time of the learning-curve extrapolation: fit the ensemble to noisy partial curves of
 * several lengths and compute the probability of beating an incumbent, as the scheduler does on
 * a report. Prints wall-clock median / p90 / p99 / max and thread CPU median / p99 per curve length
 * (on a loaded machine the CPU time is the cost, the wall time includes waiting for a core) and
 * writes them as CSV.
 *
 * <p>Run (after {@code mvn -o -q -pl scheduler-bundles/lcextrapolation -am test-compile}), from
 * the module folder: {@code java -cp target/classes:target/test-classes:../../api-bundles/api/target/classes:$HOME/.m2/repository/org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar
 * io.hypatia.scheduler.lcextrapolation.internal.FitTimeBenchmark [repetitions] [out.csv]}
 */
public final class FitTimeBenchmark {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private FitTimeBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path out = Path.of(args.length > 1 ? args[1] : "lc-fit-times.csv");
        int[] lengths = {5, 10, 25, 50, 100, 200};
        Random rnd = new Random(1);
        // warm-up so the JIT has compiled the fitting code before anything is timed
        for (int i = 0; i < 300; i++) {
            decide(rnd, 25);
        }
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out))) {
            csv.println("points,fitted_points,repetitions,median_ms,p90_ms,p99_ms,max_ms,cpu_median_ms,cpu_p99_ms");
            System.out.printf("%-7s %-7s %10s %10s %10s %10s %12s %12s%n", "points", "fitted", "median_ms", "p90_ms", "p99_ms", "max_ms", "cpu_med_ms", "cpu_p99_ms");
            for (int n : lengths) {
                double[] ms = new double[reps];
                double[] cpu = new double[reps];
                for (int r = 0; r < reps; r++) {
                    double[] t = decide(rnd, n);
                    ms[r] = t[0];
                    cpu[r] = t[1];
                }
                Arrays.sort(ms);
                Arrays.sort(cpu);
                int p99 = Math.min(reps - 1, (int) Math.ceil(reps * 0.99) - 1);
                String row = String.format(Locale.ROOT, "%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f", n, Math.min(n, 100), reps,
                        ms[reps / 2], ms[(int) (reps * 0.9)], ms[p99], ms[reps - 1], cpu[reps / 2], cpu[p99]);
                csv.println(row);
                String[] f = row.split(",");
                System.out.printf("%-7s %-7s %10s %10s %10s %10s %12s %12s%n", f[0], f[1], f[3], f[4], f[5], f[6], f[7], f[8]);
            }
        }
        System.out.println("wrote " + out.toAbsolutePath());
    }

    /** One scheduler decision's computation on a random noisy curve of {@code n} points; {wall, cpu} milliseconds. */
    private static double[] decide(Random rnd, int n) {
        double asymptote = 0.05 + 0.4 * rnd.nextDouble();
        double k = 0.02 + 0.3 * rnd.nextDouble();
        double d = 0.5 + rnd.nextDouble();
        double[] steps = new double[n];
        double[] losses = new double[n];
        for (int i = 0; i < n; i++) {
            steps[i] = i + 1;
            losses[i] = asymptote + (1 - asymptote) * Math.exp(-k * Math.pow(i + 1, d)) + 0.01 * rnd.nextGaussian();
        }
        long c0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        CurveEnsemble e = CurveEnsemble.fit(steps, losses, 1, 100);
        double p = e.probabilityBelow(4.0 * n, asymptote);
        long t1 = System.nanoTime();
        long c1 = THREADS.getCurrentThreadCpuTime();
        if (Double.isNaN(p)) {
            throw new IllegalStateException("NaN probability");
        }
        return new double[] {(t1 - t0) / 1e6, (c1 - c0) / 1e6};
    }
}
