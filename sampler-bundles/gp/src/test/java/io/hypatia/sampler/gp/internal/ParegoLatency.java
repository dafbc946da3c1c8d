package io.hypatia.sampler.gp.internal;

import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * CPU time of one multi-objective (ParEGO) {@code suggest()} on ZDT2 with 30 variables, the
 * setting where the judging's ParEGO runs were slow: a history of uniform random configurations,
 * {@code window} consecutive asks per size, each on a history one trial longer, optionally
 * interleaved (alternating which goes first) with another build of the GP loaded in its own class
 * loader (as in {@link GpLatency}). Run with
 * <pre>java -cp target/classes:target/test-classes:$(cat cp.txt) io.hypatia.sampler.gp.internal.ParegoLatency
 *     [window] [--sizes 60,100,190] [--against DIR:DIR]</pre>
 */
public final class ParegoLatency {
    private ParegoLatency() {
    }

    public static void main(String[] args) throws Exception {
        int window = 8;
        int[] sizes = {60, 100, 190};
        String against = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--against" -> against = args[++i];
                case "--sizes" -> sizes = java.util.Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                default -> window = Integer.parseInt(args[i]);
            }
        }
        List<String> names = new ArrayList<>(List.of("this build"));
        List<java.util.function.Supplier<Sampler>> builds = new ArrayList<>(List.of(GpSampler::new));
        if (against != null) {
            names.add("--against");
            builds.add(GpLatency.otherSampler(against));
        }
        int d = 30;
        SearchSpace space = StudyLoop.unitCube(d);
        List<Objective> objectives = List.of(new Objective("f1", Direction.MINIMIZE), new Objective("f2", Direction.MINIMIZE));
        int max = java.util.Arrays.stream(sizes).max().orElse(100) + window;
        List<Trial> h = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < max; i++) {
            Config c = space.sampleUniform(random);
            double[] x = StudyLoop.vector(c, d);
            double g = 0;
            for (int j = 1; j < d; j++) {
                g += x[j];
            }
            g = 1 + 9 * g / (d - 1);
            double f2 = g * (1 - (x[0] / g) * (x[0] / g));
            h.add(new Trial(i, i, TrialState.COMPLETE, c, List.of(x[0], f2), List.of(), 0, Map.of(), List.of()));
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        // JIT warm-up on small histories.
        for (java.util.function.Supplier<Sampler> b : builds) {
            Sampler s = b.get();
            for (int n = 20; n < 40; n++) {
                s.suggest(new SamplerContext("warm", space, objectives, h.subList(0, n), n, 1, Map.of()));
            }
        }
        System.out.println("ParEGO suggest() CPU, ZDT2 with 30 variables, random history, " + window + " consecutive asks per size"
                + (against == null ? "" : ", interleaved with the build at " + against));
        System.out.println("| completed trials | build | mean CPU ms | median CPU ms | max CPU ms | same proposal |");
        System.out.println("|---:|---|---:|---:|---:|---:|");
        for (int n : sizes) {
            int b = builds.size();
            Sampler[] samplers = new Sampler[b];
            for (int v = 0; v < b; v++) {
                samplers[v] = builds.get(v).get();
            }
            double[][] cpu = new double[b][window];
            int same = 0;
            for (int r = 0; r < window; r++) {
                List<Trial> prefix = h.subList(0, n + r);
                Config[] proposed = new Config[b];
                for (int o = 0; o < b; o++) {
                    int v = (o + r) % b;
                    long c0 = threads.getCurrentThreadCpuTime();
                    proposed[v] = samplers[v].suggest(new SamplerContext("parego", space, objectives, prefix, n + r, 1, Map.of()));
                    cpu[v][r] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
                }
                if (b > 1 && proposed[0].equals(proposed[1])) {
                    same++;
                }
            }
            for (int v = 0; v < b; v++) {
                double mean = java.util.Arrays.stream(cpu[v]).average().orElse(0);
                double maxCpu = java.util.Arrays.stream(cpu[v]).max().orElse(0);
                System.out.printf(Locale.ROOT, "| %d | %s | %.1f | %.1f | %.1f | %s |%n", n, names.get(v), mean,
                        StudyLoop.median(cpu[v]), maxCpu, b > 1 ? same + "/" + window : "");
            }
        }
    }
}
