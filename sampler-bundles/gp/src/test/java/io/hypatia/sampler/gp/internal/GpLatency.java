package io.hypatia.sampler.gp.internal;

import io.hypatia.sampler.gp.model.FitSchedule;
import io.hypatia.sampler.gp.model.MarginalLikelihood;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Trial;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
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
 * <pre>java -cp target/classes:target/test-classes:$(cat cp.txt) io.hypatia.sampler.gp.internal.GpLatency
 *     [window] [out.csv] [--sizes 100,300,1000] [--against DIR:DIR]</pre>
 * Prints a table and writes it as CSV (default gp-latency.csv). Besides wall time it reports the
 * asking thread's CPU time (the sampler is single-threaded; median, p99, max), which stays
 * meaningful when other processes load the machine.
 *
 * <p>{@code --against} takes the class directories (or jars) of another build of the GP and GP
 * model bundles, say main's: that sampler is loaded in its own class loader and its asks are
 * interleaved with this build's on the very same histories (alternating which goes first), so
 * both see the same machine load; the table then has one row per build and size, counts the
 * asks where both builds proposed the same configuration, and, where they differ, compares the
 * two proposals by this build's exact acquisition (log EI under the same fitted model): the
 * median and the worst of (this build's - the other's), so that a faster but worse acquisition
 * optimiser shows.
 */
public final class GpLatency {
    private GpLatency() {
    }

    public static void main(String[] args) throws Exception {
        List<String> positional = new ArrayList<>();
        String against = null;
        int[] sizes = {100, 300, 1000};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--against" -> against = args[++i];
                case "--sizes" -> sizes = Arrays.stream(args[++i].split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
                default -> positional.add(args[i]);
            }
        }
        int window = positional.size() > 0 ? Integer.parseInt(positional.get(0)) : 32;
        Path out = Path.of(positional.size() > 1 ? positional.get(1) : "gp-latency.csv");
        List<String> names = new ArrayList<>(List.of("this build"));
        List<java.util.function.Supplier<Sampler>> builds = new ArrayList<>(List.of(GpSampler::new));
        if (against != null) {
            names.add("--against");
            builds.add(otherSampler(against));
        }
        SearchSpace space = StudyLoop.unitCube(6);
        // Warm up the JIT on a small study, and on a larger one for the O(n^2) paths.
        for (java.util.function.Supplier<Sampler> build : builds) {
            Sampler warm = build.get();
            List<Trial> w = history(space, 600, 99);
            for (int n = 40; n < 80; n++) {
                warm.suggest(StudyLoop.context(space, w.subList(0, n), 1, Map.of()));
            }
            for (int n = 560; n < 568; n++) {
                warm.suggest(StudyLoop.context(space, w.subList(0, n), 1, Map.of()));
            }
        }
        System.out.printf("GP suggest() latency, 6 float parameters, default settings, %d consecutive asks per size%s%n", window,
                against == null ? "" : ", interleaved with the build at " + against);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.out.println("| completed trials | build | mean ms | median ms | max ms | mean CPU ms | median CPU ms | p99 CPU ms | max CPU ms | parallel ask, fit cached, ms | same proposal |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out))) {
            csv.println("completed_trials,build,asks,mean_ms,median_ms,max_ms,mean_cpu_ms,median_cpu_ms,p99_cpu_ms,max_cpu_ms,parallel_cached_ms,same_proposal");
            for (int n : sizes) {
                int b = builds.size();
                Sampler[] samplers = new Sampler[b];
                List<Trial> h = history(space, n + window, n);
                for (int v = 0; v < b; v++) {
                    samplers[v] = builds.get(v).get();
                    samplers[v].suggest(StudyLoop.context(space, h.subList(0, n - 1), 1, Map.of()));
                }
                double[][] ms = new double[b][window];
                double[][] cpu = new double[b][window];
                int same = 0;
                List<Double> gain = new ArrayList<>();
                io.hypatia.sampler.gp.model.ModelCache judgeCache = new io.hypatia.sampler.gp.model.ModelCache();
                for (int r = 0; r < window; r++) {
                    List<Trial> prefix = h.subList(0, n + r);
                    Config[] proposed = new Config[b];
                    for (int o = 0; o < b; o++) {
                        int v = (o + r) % b; // alternate which build asks first
                        long c0 = threads.getCurrentThreadCpuTime();
                        long t0 = System.nanoTime();
                        proposed[v] = samplers[v].suggest(StudyLoop.context(space, prefix, 1, Map.of()));
                        ms[v][r] = (System.nanoTime() - t0) / 1e6;
                        cpu[v][r] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
                    }
                    if (b > 1 && proposed[0].equals(proposed[1])) {
                        same++;
                    } else if (b > 1) {
                        gain.add(logEiDifference(space, prefix, proposed[0], proposed[1], judgeCache));
                    }
                }
                for (int v = 0; v < b; v++) {
                    // Parallel worker: the same completed trials as the last timed ask, one more RUNNING.
                    List<Trial> withPending = new ArrayList<>(h.subList(0, n + window - 1));
                    withPending.add(StudyLoop.running(n + window - 1, h.get(n + window - 1).config()));
                    int repeats = 5;
                    long t0 = System.nanoTime();
                    for (int r = 0; r < repeats; r++) {
                        samplers[v].suggest(new SamplerContext("latency", space, List.of(StudyLoop.MINIMIZE), withPending,
                                n + window + r, 1, Map.of()));
                    }
                    double cached = (System.nanoTime() - t0) / 1e6 / repeats;
                    String sameText = b > 1 ? same + "/" + window : "";
                    if (b > 1 && !gain.isEmpty()) {
                        double[] g = gain.stream().mapToDouble(Double::doubleValue).toArray();
                        sameText += String.format(Locale.ROOT, "; log EI this - other: median %.3g, worst %.3g", StudyLoop.median(g),
                                Arrays.stream(g).min().orElse(0));
                    }
                    System.out.printf(Locale.ROOT, "| %d | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %s |%n", n, names.get(v),
                            mean(ms[v]), StudyLoop.median(ms[v]), max(ms[v]), mean(cpu[v]), StudyLoop.median(cpu[v]),
                            percentile(cpu[v], 0.99), max(cpu[v]), cached, sameText);
                    csv.printf(Locale.ROOT, "%d,%s,%d,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%s%n", n, names.get(v), window,
                            mean(ms[v]), StudyLoop.median(ms[v]), max(ms[v]), mean(cpu[v]), StudyLoop.median(cpu[v]),
                            percentile(cpu[v], 0.99), max(cpu[v]), cached, sameText);
                }
                csv.flush();
            }
        }
        System.out.println("written to " + out.toAbsolutePath());
    }

    /** New GP samplers of the build at {@code path} (see {@link #otherBuild}). */
    static java.util.function.Supplier<Sampler> otherSampler(String path) throws IOException, ClassNotFoundException {
        Class<?> other = otherBuild(path).loadClass(GpSampler.class.getName());
        return () -> {
            try {
                return (Sampler) other.getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /**
     * A class loader for another build of the GP sampler: the GP and GP model packages come from
     * {@code path} (class directories or jars, separated by the path separator) first; everything
     * else (the API, commons-math3) from this program's class path, so both builds take the same
     * trial and space objects.
     */
    static ClassLoader otherBuild(String path) throws IOException {
        String[] parts = path.split(java.io.File.pathSeparator);
        URL[] urls = new URL[parts.length];
        for (int i = 0; i < parts.length; i++) {
            urls[i] = Path.of(parts[i]).toUri().toURL();
        }
        return new URLClassLoader(urls, GpLatency.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                synchronized (getClassLoadingLock(name)) {
                    Class<?> c = findLoadedClass(name);
                    if (c == null && name.startsWith("io.hypatia.sampler.gp.")) {
                        try {
                            c = findClass(name);
                        } catch (ClassNotFoundException notInOtherBuild) {
                            c = null;
                        }
                    }
                    if (c == null) {
                        return super.loadClass(name, resolve);
                    }
                    if (resolve) {
                        resolveClass(c);
                    }
                    return c;
                }
            }
        };
    }

    /**
     * log EI of {@code a} minus that of {@code b} under this build's model of {@code history}
     * (default settings, seed 1, as the asks), each at its encoded configuration.
     */
    private static double logEiDifference(SearchSpace space, List<Trial> history, Config a, Config b,
                                          io.hypatia.sampler.gp.model.ModelCache cache) {
        io.hypatia.sampler.gp.model.SpaceEncoding enc = new io.hypatia.sampler.gp.model.SpaceEncoding(space);
        SamplerContext ctx = StudyLoop.context(space, history, 1, Map.of());
        Observations obs = Observations.from(ctx, enc, ctx.random());
        Surrogates models = Surrogates.fit(obs, GpSettings.parse(Map.of()), 1, cache);
        Acquisition acq = new Acquisition(models.objective, models.incumbent, List.of());
        return acq.value(enc.encode(a)) - acq.value(enc.encode(b));
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(0);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }

    /** The nearest-rank percentile {@code p} of {@code v}. */
    static double percentile(double[] v, double p) {
        double[] s = v.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
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
