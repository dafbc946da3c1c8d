package io.hypatia.benchmark.yahpo.internal;

import io.hypatia.api.space.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Mean latency of {@code evaluate()} on lcbench (one configuration per call, as the engine calls
 * it) over 1,000 calls after a warm-up, and the time to load the ONNX model. Not a test; run with
 *
 * <pre>mvn -q test-compile exec:java                         # data at ../../../shared/data/yahpo
 * mvn -q test-compile exec:java -Dexec.args=/my/yahpo      # a YAHPO data directory</pre>
 */
public final class YahpoLatency {
    private YahpoLatency() {
    }

    public static void main(String[] args) throws Exception {
        Path yahpo = args.length > 0 ? Path.of(args[0]) : TestData.dataDir().resolve("yahpo");
        try (YahpoScenario lc = YahpoBenchmarks.open(yahpo, Scenario.LCBENCH)) {
            long t0 = System.nanoTime();
            lc.surrogate();
            long load = System.nanoTime() - t0;
            YahpoBenchmark b = lc.benchmark("3945");
            Random random = new Random(42);
            int n = 1000;
            List<Config> configs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                configs.add(lc.space().sampleUniform(random));
            }
            double sink = 0;
            for (int i = 0; i < 2000; i++) { // warm-up: JIT and ONNX Runtime's first runs
                sink += b.evaluate(configs.get(i % n), 1 + i % 52, 0).value();
            }
            long[] each = new long[n];
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long s = System.nanoTime();
                sink += b.evaluate(configs.get(i), 1 + i % 52, 0).value();
                each[i] = System.nanoTime() - s;
            }
            long total = System.nanoTime() - start;
            java.util.Arrays.sort(each);
            System.out.printf("lcbench model load: %.1f ms%n", load / 1e6);
            System.out.printf("lcbench evaluate (batch of 1) over %d calls after warm-up: mean %.1f us, median %.1f us, p99 %.1f us%n",
                    n, total / 1e3 / n, each[n / 2] / 1e3, each[n * 99 / 100] / 1e3);
            System.out.println("(checksum " + sink + ")");
        }
    }
}
