package io.hypatia.sampler.random.internal;

import io.hypatia.api.Configurable;
import io.hypatia.api.PluginProperties;
import io.hypatia.api.Settings;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import org.osgi.service.component.annotations.Component;

/**
 * Random search (Bergstra and Bengio 2012): every active parameter uniform in its own scale.
 * The draw depends only on the study seed and the trial number, so a study's suggestions are
 * reproducible regardless of how workers interleave or the service restarts.
 */
@Component(service = Sampler.class, property = {
        PluginProperties.NAME + "=random",
        PluginProperties.DESCRIPTION + "=Uniform random search (seeded, all parameter kinds)"})
public class RandomSampler implements Sampler, Configurable {

    /** Random search takes no settings but the service's {@code seed}; anything else is a mistake. */
    @Override
    public Settings settings() {
        return Settings.NONE;
    }

    @Override
    public Config suggest(SamplerContext context) {
        return context.space().sampleUniform(context.random());
    }
}
