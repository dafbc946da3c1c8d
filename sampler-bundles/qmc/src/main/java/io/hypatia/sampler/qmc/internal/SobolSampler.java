package io.hypatia.sampler.qmc.internal;

import io.hypatia.api.Configurable;
import io.hypatia.api.PluginProperties;
import io.hypatia.api.Settings;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import io.hypatia.sampler.support.UnitCube;
import java.util.SplittableRandom;
import org.osgi.service.component.annotations.Component;

/**
 * Quasi-random search with a scrambled Sobol sequence (see {@link SobolSequence}: Joe-Kuo
 * direction numbers, linear matrix scrambling plus a random digital shift seeded by the study
 * seed). Trial number n gets sequence point n + skip, mapped to the space through
 * {@link io.hypatia.api.space.Parameter#fromUnit}: one coordinate per parameter in declaration
 * order, so a conditional parameter keeps its own coordinate and simply ignores it while
 * inactive. Nothing is remembered between calls, so suggestions are reproducible across restarts
 * and replicas. The balance guarantees hold for runs of 2^m consecutive points, so budgets that
 * are powers of two use the sequence best. Spaces with more than 128 parameters get uniform
 * pseudo-random coordinates (from the trial's seeded random stream) beyond the 128th.
 *
 * <p>Sampler config keys:
 * <ul>
 *   <li>{@code scramble} — {@code true} (default) or {@code false}; unscrambled Sobol starts at the origin.</li>
 *   <li>{@code skip} — number of leading sequence points to skip (default 0).</li>
 * </ul>
 */
@Component(service = Sampler.class, property = {
        PluginProperties.NAME + "=sobol",
        PluginProperties.DESCRIPTION + "=Scrambled Sobol quasi-random search (Joe-Kuo directions, trial number = sequence index)"})
public class SobolSampler implements Sampler, Configurable {

    @Override
    public Settings settings() {
        return QmcSettings.SETTINGS;
    }

    @Override
    public Config suggest(SamplerContext context) {
        QmcSettings settings = QmcSettings.parse(context.config());
        UnitCube cube = new UnitCube(context.space());
        int d = cube.dimension();
        SobolSequence sequence = new SobolSequence(Math.min(d, SobolSequence.MAX_DIMENSION), settings.scramble(), context.seed());
        long index = context.trialNumber() + settings.skip();
        double[] u = new double[d];
        SplittableRandom random = context.random();
        for (int j = 0; j < d; j++) {
            u[j] = j < sequence.dimension() ? sequence.coordinate(index, j) : random.nextDouble();
        }
        return cube.decode(u);
    }
}
