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

    /**
     * Deploys a plugin jar (admin). Answers once it is started; a jar that cannot resolve or
     * start is refused (FAILED_PRECONDITION with the reason) and what ran before keeps serving.
     *
     * @return the plugin services the new bundle registered
     */
    default List<PluginInfo> install(String fileName, byte[] jar) {
        throw EngineException.precondition(null, "this service has no deploy folder to install plugins into");
    }

    /** Removes a deployed plugin jar and uninstalls its bundle (admin). */
    default void uninstall(String fileName) {
        throw EngineException.precondition(null, "this service has no deploy folder to uninstall plugins from");
    }

    /** The deployed plugin jars with their bundle, version, state and failure message (admin). */
    default List<PluginInfo> jars() {
        return List.of();
    }
}
