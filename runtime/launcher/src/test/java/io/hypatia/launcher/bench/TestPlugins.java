package io.hypatia.launcher.bench;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.engine.PluginInfo;
import io.hypatia.engine.Plugins;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A plugin registry filled in code, so the simulator is tested on the real engine without Felix. */
public final class TestPlugins implements Plugins {
    final Map<String, Sampler> samplers = new ConcurrentHashMap<>();
    final Map<String, Scheduler> schedulers = new ConcurrentHashMap<>();
    final Map<String, Benchmark> benchmarks = new ConcurrentHashMap<>();

    public TestPlugins() {
        samplers.put("random", ctx -> ctx.space().sampleUniform(ctx.random()));
    }

    @Override
    public Optional<Resolved<Sampler>> sampler(String name, String versionRange) {
        return Optional.ofNullable(samplers.get(name)).map(s -> new Resolved<>(s, "test-" + name + "@1.0.0"));
    }

    @Override
    public Optional<Resolved<Scheduler>> scheduler(String name, String versionRange) {
        return Optional.ofNullable(schedulers.get(name)).map(s -> new Resolved<>(s, "test-" + name + "@1.0.0"));
    }

    @Override
    public Optional<Resolved<Benchmark>> benchmark(String name, String versionRange) {
        return Optional.ofNullable(benchmarks.get(name)).map(b -> new Resolved<>(b, "test-" + name + "@1.0.0"));
    }

    @Override
    public List<PluginInfo> list() {
        List<PluginInfo> out = new ArrayList<>();
        samplers.keySet().forEach(n -> out.add(new PluginInfo("sampler", n, "test", "1.0.0", "ACTIVE", "")));
        schedulers.keySet().forEach(n -> out.add(new PluginInfo("scheduler", n, "test", "1.0.0", "ACTIVE", "")));
        benchmarks.keySet().forEach(n -> out.add(new PluginInfo("benchmark", n, "test", "1.0.0", "ACTIVE", "")));
        return out;
    }
}
