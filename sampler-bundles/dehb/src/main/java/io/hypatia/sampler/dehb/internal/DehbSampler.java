package io.hypatia.sampler.dehb.internal;

import io.hypatia.api.Configurable;
import io.hypatia.api.PluginConfig;
import io.hypatia.api.PluginProperties;
import io.hypatia.api.Setting;
import io.hypatia.api.Settings;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import io.hypatia.api.study.Direction;
import io.hypatia.sampler.dehb.internal.Subpopulations.Member;
import io.hypatia.sampler.support.UnitCube;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.osgi.service.component.annotations.Component;

/**
 * DEHB (Awad, Mallik and Hutter, "DEHB: Evolutionary Hyperband for Scalable, Robust and
 * Efficient Hyperparameter Optimization", IJCAI 2021) as a sampler: it proposes the
 * configuration of a new trial for the budget the study's scheduler gives that trial
 * ({@link SamplerContext#budget()}). Pair it at study creation with a successive-halving scheduler
 * ({@code hyperband} for DEHB's brackets, or {@code asha}), which assigns the bracket, pauses at
 * rungs and promotes; the pairing is only the two names, nothing else couples them.
 *
 * <p>For a new trial at budget {@code b}: the target is a member of the subpopulation at {@code b}
 * (cycling through it by trial number, as DE sweeps its population); the mutant is rand/1 from
 * the parent pool, the best configurations of the next lower level with enough members (DEHB's
 * "mutation from the lower budget's top configurations"), or from {@code b}'s own subpopulation at
 * the lowest level; the global population fills a pool of fewer than three. Crossover is
 * binomial. The lowest level is first filled with {@code population_size} uniform draws (DEHB's
 * random initial population); a higher level is evolved as soon as the level below it has three
 * members. Acts on the first objective.
 */
@Component(service = Sampler.class, property = {
        PluginProperties.NAME + "=dehb",
        PluginProperties.DESCRIPTION + "=DEHB: differential evolution per fidelity level, mutation from the lower level's"
                + " best; pair with the hyperband scheduler"})
public class DehbSampler implements Sampler, Configurable {
    static final Settings SETTINGS = Settings.of(
            Setting.real("mutation_factor", 0.5, 0, 2, "F of rand/1 mutation"),
            Setting.real("crossover_prob", 0.5, 0, 1, "CR of binomial crossover"),
            Setting.integer("population_size", 20, 3, 100_000, "members kept per fidelity level (the best ones)"));

    @Override
    public Settings settings() {
        return SETTINGS;
    }

    @Override
    public Config suggest(SamplerContext context) {
        PluginConfig config = SETTINGS.read(context.config());
        SplittableRandom random = context.random().split();
        if (context.objectives().isEmpty()) {
            return context.space().sampleUniform(random);
        }
        UnitCube cube = new UnitCube(context.space());
        Direction direction = context.objectives().get(0).direction();
        int size = (int) config.integer("population_size");
        Subpopulations populations = Subpopulations.of(context.trials(), cube, direction, size);
        double budget = context.budget() > 0 ? context.budget() : highestLevel(context);
        List<Member> own = populations.at(budget);
        double lower = populations.lowerLevel(budget, 3);
        List<double[]> pool = new ArrayList<>();
        for (Member m : Double.isNaN(lower) ? own : populations.at(lower)) {
            pool.add(m.u());
        }
        if (pool.size() < 3) {
            for (Member m : populations.all()) {
                if (pool.size() >= 3) {
                    break;
                }
                pool.add(m.u());
            }
        }
        if (pool.size() < 3 || (Double.isNaN(lower) && own.size() < size)) {
            return context.space().sampleUniform(random); // DE's random initial population
        }
        double[] target = own.isEmpty() ? pool.get(random.nextInt(pool.size()))
                : own.get(Math.floorMod(context.trialNumber(), own.size())).u();
        double[] mutant = DifferentialEvolution.mutant(pool, config.real("mutation_factor"), random);
        double[] trial = DifferentialEvolution.binomialCrossover(target, mutant, config.real("crossover_prob"), random);
        return cube.decode(trial, random);
    }

    /** Without a budget from the scheduler: the largest budget any trial was given (plain DE there). */
    private static double highestLevel(SamplerContext context) {
        double max = 0;
        for (var t : context.trials()) {
            max = Math.max(max, t.budget());
        }
        return max;
    }
}
