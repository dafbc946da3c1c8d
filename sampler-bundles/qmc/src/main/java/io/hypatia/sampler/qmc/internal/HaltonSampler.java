package io.hypatia.sampler.qmc.internal;

import io.hypatia.api.Configurable;
import io.hypatia.api.PluginProperties;
import io.hypatia.api.Settings;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import io.hypatia.sampler.support.UnitCube;
import org.osgi.service.component.annotations.Component;

/**
 * Quasi-random search with a scrambled Halton sequence (see {@link HaltonSequence}: radical
 * inverses in the first d primes with random digit permutations seeded by the study seed).
 * Trial number n gets sequence point n + skip, mapped to the space through
 * {@link io.hypatia.api.space.Parameter#fromUnit}, one coordinate per parameter in declaration
 * order (conditional parameters keep their coordinate and ignore it while inactive). Unlike
 * Sobol, Halton has no preferred sample sizes. Nothing is remembered between calls.
 *
 * <p>Sampler config keys:
 * <ul>
 *   <li>{@code scramble} — {@code true} (default) or {@code false}; plain Halton is strongly
 *       correlated between high dimensions and starts at the origin.</li>
 *   <li>{@code skip} — number of leading sequence points to skip (default 0).</li>
 * </ul>
 */
@Component(service = Sampler.class, property = {
        PluginProperties.NAME + "=halton",
        PluginProperties.DESCRIPTION + "=Scrambled Halton quasi-random search (random digit permutations, trial number = sequence index)"})
public class HaltonSampler implements Sampler, Configurable {

    @Override
    public Settings settings() {
        return QmcSettings.SETTINGS;
    }

    @Override
    public Config suggest(SamplerContext context) {
        QmcSettings settings = QmcSettings.parse(context.config());
        UnitCube cube = new UnitCube(context.space());
        HaltonSequence sequence = new HaltonSequence(cube.dimension(), settings.scramble(), context.seed());
        return cube.decode(sequence.point(context.trialNumber() + settings.skip()));
    }
}
