package io.hypatia.sampler.tpe.internal;

import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Trial;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Prints the mean latency of one TPE suggest() with 10 float parameters after 100, 300 and 1,000
 * completed trials, univariate and multivariate. Not a test (timings depend on the machine); run:
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt
 * java -cp target/classes:target/test-classes:$(cat cp.txt) io.hypatia.sampler.tpe.internal.TpeLatency
 * </pre>
 */
public final class TpeLatency {
    private TpeLatency() {
    }

    public static void main(String[] args) {
        int dims = 10;
        List<Parameter> params = new ArrayList<>();
        for (int d = 0; d < dims; d++) {
            params.add(new FloatParameter("x" + d, d % 2 == 0 ? 1e-3 : -5, d % 2 == 0 ? 10 : 5, d % 2 == 0));
        }
        SearchSpace space = SearchSpace.of(params);
        SplittableRandom random = new SplittableRandom(1);
        List<Trial> history = new ArrayList<>();
        TpeSampler sampler = new TpeSampler();
        for (int n : new int[] {100, 300, 1000}) {
            while (history.size() < n) {
                Config c = space.sampleUniform(random);
                double y = 0;
                for (int d = 0; d < dims; d++) {
                    double u = space.parameters().get(d).toUnit(c.get("x" + d)) - 0.3;
                    y += u * u;
                }
                history.add(AskTellLoop.complete(history.size(), c, new double[] {y}, List.of()));
            }
            for (String multivariate : new String[] {"false", "true"}) {
                Map<String, String> config = Map.of("multivariate", multivariate);
                int warmup = 200, reps = n >= 1000 ? 200 : 500;
                long sink = 0;
                for (int i = 0; i < warmup; i++) {
                    sink += sampler.suggest(AskTellLoop.context(space, AskTellLoop.MINIMIZE, history, i, config)).hashCode();
                }
                long start = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    sink += sampler.suggest(AskTellLoop.context(space, AskTellLoop.MINIMIZE, history, 1000 + i, config)).hashCode();
                }
                double ms = (System.nanoTime() - start) / 1e6 / reps;
                System.out.printf("TPE suggest, 10 float params, %4d completed trials, multivariate=%-5s: %.3f ms (mean of %d)%s%n",
                        n, multivariate, ms, reps, sink == 42 ? " " : "");
            }
        }
    }
}
