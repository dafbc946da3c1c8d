package io.hypatia.benchmark.synthetic.internal;

import io.hypatia.api.benchmark.Benchmark;
import java.util.List;

/**
 * Test-only window on the synthetic benchmark bundle's single-objective functions (its classes
 * are package-private because the bundle publishes them only as OSGi services), so the GP's
 * studies run on exactly the functions and shifts that {@code hypatia bench} uses.
 */
public final class SyntheticSuite {
    private SyntheticSuite() {
    }

    /** The function called {@code name} (e.g. "levy-10"). */
    public static Benchmark get(String name) {
        return SyntheticBenchmarks.singleObjective().stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no synthetic function " + name));
    }
}
