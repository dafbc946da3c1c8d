package io.hypatia.benchmark.synthetic.internal;

import io.hypatia.api.benchmark.Benchmark;
import java.util.Map;

/** A benchmark this bundle registers, with what its service registration says about it. */
interface OfferedBenchmark extends Benchmark {

    /** One line for the {@code hypatia.description} service property. */
    String description();

    /** Service properties beyond {@code hypatia.name} and {@code hypatia.description}; none by default. */
    default Map<String, Object> serviceProperties() {
        return Map.of();
    }
}
