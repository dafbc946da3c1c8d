package io.hypatia.sampler.gp.internal;

import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Trial;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Prints the mean latency of {@code suggest()} with 100, 300 and 1,000 completed trials on six
 * float parameters (Hartmann-6 values), default settings. Each timed ask sees a history one trial
 * longer than the previous one, so the model cache never hits (the cost of a sequential study);
 * a second figure is the ask of a parallel worker while another trial is RUNNING on the same
 * completed history (cache hit: fantasy + acquisition only). Not a test: run with
 * <pre>java -cp target/classes:target/test-classes:$(cat cp.txt) io.hypatia.sampler.gp.internal.GpLatency</pre>
 * after {@code mvn dependency:build-classpath -Dmdep.outputFile=cp.txt}.
 */
public final class GpLatency {
    private GpLatency() {
    }

    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        SearchSpace space = StudyLoop.unitCube(6);
        GpSampler sampler = new GpSampler();
        // Warm up the JIT on a small study.
        time(sampler, space, history(space, 60, 99), 3);
        System.out.println("GP suggest() latency, 6 float parameters, default settings (" + repeats + " asks each)");
        for (int n : new int[] {100, 300, 1000}) {
            List<Trial> h = history(space, n + repeats, n);
            double[] sequential = time(sampler, space, h.subList(0, n + repeats), repeats);
            // Parallel worker: same completed trials, one more RUNNING (fit cached).
            List<Trial> base = new ArrayList<>(h.subList(0, n));
            sampler.suggest(StudyLoop.context(space, base, 1, Map.of()));
            List<Trial> withPending = new ArrayList<>(base);
            withPending.add(StudyLoop.running(n, h.get(n).config()));
            long t0 = System.nanoTime();
            for (int r = 0; r < repeats; r++) {
                sampler.suggest(new SamplerContext("latency", space, List.of(StudyLoop.MINIMIZE), withPending, n + 1 + r, 1,
                        Map.of()));
            }
            double cached = (System.nanoTime() - t0) / 1e6 / repeats;
            System.out.printf("  n=%4d completed: mean %7.0f ms (min %5.0f, max %5.0f)   parallel ask with cached fit: %6.0f ms%n",
                    n, sequential[0], sequential[1], sequential[2], cached);
        }
    }

    /** Times asks on growing prefixes of {@code h}: the last {@code repeats} lengths. */
    private static double[] time(GpSampler sampler, SearchSpace space, List<Trial> h, int repeats) {
        double sum = 0, min = Double.POSITIVE_INFINITY, max = 0;
        for (int r = 0; r < repeats; r++) {
            List<Trial> prefix = h.subList(0, h.size() - repeats + r);
            long t0 = System.nanoTime();
            sampler.suggest(StudyLoop.context(space, prefix, 1, Map.of()));
            double ms = (System.nanoTime() - t0) / 1e6;
            sum += ms;
            min = Math.min(min, ms);
            max = Math.max(max, ms);
        }
        return new double[] {sum / repeats, min, max};
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
