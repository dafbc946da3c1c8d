package io.hypatia.engine;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.scheduler.Scheduler;
import java.util.List;
import java.util.Optional;

/** Where the engine finds algorithm plugins by name. */
public interface Plugins {

    /** A plugin service with a label naming the bundle and version that provided it. */
    record Resolved<T>(T service, String label) {
    }

    Optional<Resolved<Sampler>> sampler(String name, String versionRange);

    Optional<Resolved<Scheduler>> scheduler(String name, String versionRange);

    Optional<Resolved<Benchmark>> benchmark(String name, String versionRange);

    List<PluginInfo> list();

    /**
     * True while plugin bundles are being installed, replaced or removed, so a plugin may be
     * absent for a moment; the ask path waits for a missing sampler only then.
     */
    default boolean swapInProgress() {
        return false;
    }
}
