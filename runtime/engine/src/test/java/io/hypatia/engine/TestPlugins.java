package io.hypatia.engine;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.scheduler.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A plugin registry filled in code, for tests of the engine, gateway, dashboard and bench
 * simulator on the real engine without Felix (shared through the engine's test jar). The
 * OSGi-backed registry is exercised by the integration tests on real Felix. Every plugin
 * here has the same version; removing an entry makes the plugin "not loaded".
 */
public final class TestPlugins implements Plugins {
    public final Map<String, Sampler> samplers = new ConcurrentHashMap<>();
    public final Map<String, Scheduler> schedulers = new ConcurrentHashMap<>();
    public final Map<String, Benchmark> benchmarks = new ConcurrentHashMap<>();
    private final String version;

    /** A "random" sampler (uniform over the space), version 1.0.0. */
    public TestPlugins() {
        this("random", "1.0.0");
    }

    /** One sampler named {@code uniformSampler}, uniform over the space, at {@code version}. */
    public TestPlugins(String uniformSampler, String version) {
        this.version = version;
        samplers.put(uniformSampler, ctx -> ctx.space().sampleUniform(ctx.random()));
    }

    @Override
    public Optional<Resolved<Sampler>> sampler(String name, String versionRange) {
        return resolve(samplers, name);
    }

    @Override
    public Optional<Resolved<Scheduler>> scheduler(String name, String versionRange) {
        return resolve(schedulers, name);
    }

    @Override
    public Optional<Resolved<Benchmark>> benchmark(String name, String versionRange) {
        return resolve(benchmarks, name);
    }

    private <T> Optional<Resolved<T>> resolve(Map<String, T> services, String name) {
        return Optional.ofNullable(services.get(name)).map(s -> new Resolved<>(s, "test-" + name + "@" + version));
    }

    @Override
    public List<PluginInfo> list() {
        List<PluginInfo> out = new ArrayList<>();
        samplers.keySet().forEach(n -> out.add(new PluginInfo("sampler", n, "test-" + n, version, "ACTIVE", "")));
        schedulers.keySet().forEach(n -> out.add(new PluginInfo("scheduler", n, "test-" + n, version, "ACTIVE", "")));
        benchmarks.keySet().forEach(n -> out.add(new PluginInfo("benchmark", n, "test-" + n, version, "ACTIVE", "")));
        return out;
    }
}
