package com.example.sampler;

import io.hypatia.api.Configurable;
import io.hypatia.api.PluginConfig;
import io.hypatia.api.PluginProperties;
import io.hypatia.api.Setting;
import io.hypatia.api.Settings;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.osgi.service.component.annotations.Component;

/**
 * Local search around the best trial: with probability {@code explore} (and until
 * {@code n_startup_trials} trials completed) a uniform draw, otherwise the best completed
 * trial with every active parameter moved by up to {@code radius} of its range (in its own
 * scale). Everything comes from the context, and all randomness from {@link SamplerContext#random()},
 * so the same study, seed and history give the same suggestion after any restart.
 */
@Component(service = Sampler.class, property = {
        PluginProperties.NAME + "=example-local",
        PluginProperties.DESCRIPTION + "=Local search around the best trial (template sampler)"})
public class ExampleSampler implements Sampler, Configurable {
    static final Settings SETTINGS = Settings.of(
            Setting.integer("n_startup_trials", 5, 0, 1_000_000, "completed trials drawn uniformly before searching locally"),
            Setting.real("explore", 0.2, 0.0, 1.0, "probability of a uniform draw instead of a local step"),
            Setting.real("radius", 0.1, Math.nextUp(0.0), 1.0, "largest step, as a fraction of each parameter's range"));

    @Override
    public Settings settings() {
        return SETTINGS;
    }

    @Override
    public Config suggest(SamplerContext context) {
        PluginConfig config = SETTINGS.read(context.config());
        SplittableRandom random = context.random();
        Trial best = null;
        int completed = 0;
        for (Trial t : context.trials()) {
            if (t.state() == TrialState.COMPLETE && t.isFeasible()) {
                completed++;
                double loss = context.objectives().get(0).direction().toLoss(t.values().get(0));
                if (best == null || loss < context.objectives().get(0).direction().toLoss(best.values().get(0))) {
                    best = t;
                }
            }
        }
        if (best == null || completed < config.integer("n_startup_trials") || random.nextDouble() < config.real("explore")) {
            return context.space().sampleUniform(random);
        }
        double radius = config.real("radius");
        Map<String, Object> values = new LinkedHashMap<>();
        for (Parameter p : context.space().parameters()) {
            if (!context.space().isActive(p, values)) {
                continue;
            }
            double u = best.config().has(p.name()) ? p.toUnit(best.config().get(p.name())) : random.nextDouble();
            double moved = Math.min(1, Math.max(0, u + radius * (2 * random.nextDouble() - 1)));
            values.put(p.name(), p.fromUnit(Math.min(moved, Math.nextDown(1.0))));
        }
        return Config.of(values);
    }
}
