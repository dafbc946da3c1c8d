package io.hypatia.dashboard;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.engine.PluginInfo;
import io.hypatia.engine.Plugins;
import java.util.List;
import java.util.Optional;

/** A plugin registry for dashboard tests: one sampler, "uniform" over the space, version 2.1.0. */
final class UniformPlugins implements Plugins {
    private final Sampler uniform = ctx -> ctx.space().sampleUniform(ctx.random());

    @Override
    public Optional<Resolved<Sampler>> sampler(String name, String versionRange) {
        return name.equals("uniform") ? Optional.of(new Resolved<>(uniform, "test-uniform@2.1.0")) : Optional.empty();
    }

    @Override
    public Optional<Resolved<Scheduler>> scheduler(String name, String versionRange) {
        return Optional.empty();
    }

    @Override
    public Optional<Resolved<Benchmark>> benchmark(String name, String versionRange) {
        return Optional.empty();
    }

    @Override
    public List<PluginInfo> list() {
        return List.of(new PluginInfo("sampler", "uniform", "test-uniform", "2.1.0", "ACTIVE", "uniform"));
    }
}
