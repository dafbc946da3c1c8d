package io.hypatia.sampler.nsga2.internal;

import io.hypatia.api.Configurable;
import io.hypatia.api.PluginProperties;
import io.hypatia.api.Settings;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import io.hypatia.api.study.Trial;
import io.hypatia.api.pareto.ConstrainedOrder;
import io.hypatia.sampler.support.Losses;
import io.hypatia.api.pareto.ParetoRanking;
import io.hypatia.sampler.support.UnitCube;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;

/**
 * NSGA-II (Deb, Pratap, Agarwal and Meyarivan, "A fast and elitist multiobjective genetic
 * algorithm: NSGA-II", IEEE TEC 6(2), 2002), for any number of objectives, with Deb's constrained
 * domination when trials carry constraint values (feasible first, then smaller total violation).
 *
 * <p><b>Generations.</b> Generation g is the trials numbered gP..(g+1)P-1 for population size P.
 * Generation 0 is uniform random. The parent population is replayed from the history: P_0 is the
 * best P completed trials of generation 0 and P_g = the best P of P_{g-1} united with the
 * completed trials of generation g (elitist survival: non-dominated fronts in order, the last
 * front cut by descending crowding distance, ties by trial number). A trial of generation g >= 1
 * is a child of P_{g-1}. Trials that are still running when asked simply do not take part yet, so
 * workers never wait; FAILED and PRUNED trials never take part.
 *
 * <p><b>Variation.</b> Two binary tournaments on P_{g-1} (lower rank wins, then larger crowding
 * distance, then the first drawn) choose the parents. With probability {@code crossover_prob}
 * they are recombined: float, int and ordinal parameters by bounded SBX on their unit-cube
 * coordinates (each variable with probability 1/2, as in Deb's implementation), categorical
 * ones by uniform crossover (the second parent's value with probability {@code swapping_prob}).
 * One of the two children is kept. Each parameter then mutates with probability
 * {@code mutation_prob}: polynomial mutation for numeric ones, a uniformly drawn value for
 * categorical ones. An inactive conditional parameter that the child activates is drawn
 * uniformly. All randomness comes from the trial's seeded stream, so suggestions are
 * reproducible for a given seed and history.
 *
 * <p>Sampler config keys:
 * <ul>
 *   <li>{@code population_size} — P, default 50.</li>
 *   <li>{@code crossover_prob} — default 0.9.</li>
 *   <li>{@code mutation_prob} — per parameter, default 1/d for d parameters.</li>
 *   <li>{@code swapping_prob} — categorical uniform crossover, default 0.5.</li>
 *   <li>{@code eta_c} — SBX distribution index, default 20.</li>
 *   <li>{@code eta_m} — polynomial mutation distribution index, default 20.</li>
 * </ul>
 */
@Component(service = Sampler.class, property = {
        PluginProperties.NAME + "=nsga2",
        PluginProperties.DESCRIPTION + "=NSGA-II multi-objective genetic algorithm (SBX, polynomial mutation, constrained domination)"})
public class Nsga2Sampler implements Sampler, Configurable {
    private static final int CACHE_SIZE = 64;

    /** One member of a parent population. */
    record Member(Trial trial, double[] unit, double[] loss, double violation, int rank, double crowding) {
    }

    /**
     * A cache, never a source of truth: the population replayed up to some generation and the
     * trials it read; reused only when the history holds exactly those trials.
     */
    private record Snapshot(int generation, List<Member> population, Map<Integer, Trial> read) {
    }

    private final Map<List<Object>, Snapshot> cache = new ConcurrentHashMap<>();

    @Override
    public Settings settings() {
        return Nsga2Settings.SETTINGS;
    }

    @Override
    public Config suggest(SamplerContext context) {
        UnitCube cube = new UnitCube(context.space());
        Nsga2Settings settings = Nsga2Settings.parse(context.config(), cube.dimension());
        int generation = context.trialNumber() / settings.populationSize();
        SplittableRandom random = context.random();
        if (generation == 0) {
            return context.space().sampleUniform(random);
        }
        List<Member> parents = population(context, cube, settings, generation - 1);
        if (parents.isEmpty()) {
            return context.space().sampleUniform(random);
        }
        Member a = tournament(parents, random), b = tournament(parents, random);
        return cube.decode(offspring(cube, settings, a.unit, b.unit, random), random);
    }

    /** The parent population P_g replayed from the history (using the cache when it agrees). */
    List<Member> population(SamplerContext context, UnitCube cube, Nsga2Settings settings, int g) {
        int size = settings.populationSize();
        Map<Integer, Trial> byNumber = new HashMap<>();
        for (Trial t : context.trials()) {
            byNumber.put(t.number(), t);
        }
        List<Object> key = List.of(context.studyName(), context.seed(), context.space(), context.config(), context.objectives());
        Snapshot cached = cache.get(key);
        int from = 0;
        List<Member> population = List.of();
        if (cached != null && cached.generation <= g && agrees(byNumber, cached.read, (cached.generation + 1) * size)) {
            from = cached.generation + 1;
            population = cached.population;
        }
        for (int j = from; j <= g; j++) {
            List<Member> pool = new ArrayList<>(population);
            for (int k = j * size; k < (j + 1) * size; k++) {
                Trial t = byNumber.get(k);
                double[] loss = t == null ? null : Losses.of(t, context.objectives());
                if (loss != null) {
                    pool.add(new Member(t, cube.encode(t.config()), loss, ConstrainedOrder.violation(t), 0, 0));
                }
            }
            population = survivors(pool, size);
        }
        if (from <= g) {
            Map<Integer, Trial> read = new HashMap<>();
            byNumber.forEach((n, t) -> {
                if (n < (g + 1) * size) {
                    read.put(n, t);
                }
            });
            if (cache.size() >= CACHE_SIZE) {
                cache.clear();
            }
            cache.put(key, new Snapshot(g, population, read));
        }
        return population;
    }

    private static boolean agrees(Map<Integer, Trial> byNumber, Map<Integer, Trial> read, int end) {
        for (int k = 0; k < end; k++) {
            if (!Objects.equals(byNumber.get(k), read.get(k))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Elitist survival: the best {@code size} members of {@code pool} by constrained
     * non-domination rank, the last admitted front cut by descending crowding distance. Members
     * keep the rank and crowding distance they had in the pool, for the tournaments.
     */
    static List<Member> survivors(List<Member> pool, int size) {
        int n = pool.size();
        double[][] losses = new double[n][];
        double[] violations = new double[n];
        boolean anyInfeasible = false;
        for (int i = 0; i < n; i++) {
            losses[i] = pool.get(i).loss;
            violations[i] = pool.get(i).violation;
            anyInfeasible |= violations[i] > 0;
        }
        int[][] fronts = ParetoRanking.fronts(losses, anyInfeasible ? violations : null);
        List<Member> out = new ArrayList<>(Math.min(size, n));
        for (int f = 0; f < fronts.length && out.size() < size; f++) {
            int[] front = fronts[f];
            double[] crowding = ParetoRanking.crowdingDistance(losses, front);
            Integer[] order = new Integer[front.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            final int[] fr = front;
            Arrays.sort(order, (x, y) -> {
                int c = Double.compare(crowding[y], crowding[x]);
                return c != 0 ? c : Integer.compare(pool.get(fr[x]).trial.number(), pool.get(fr[y]).trial.number());
            });
            for (int i = 0; i < order.length && out.size() < size; i++) {
                Member m = pool.get(front[order[i]]);
                out.add(new Member(m.trial, m.unit, m.loss, m.violation, f, crowding[order[i]]));
            }
        }
        return out;
    }

    /** Binary tournament with the crowded-comparison operator. */
    static Member tournament(List<Member> population, SplittableRandom random) {
        Member a = population.get(random.nextInt(population.size()));
        Member b = population.get(random.nextInt(population.size()));
        if (a.rank != b.rank) {
            return a.rank < b.rank ? a : b;
        }
        return b.crowding > a.crowding ? b : a;
    }

    /** One child of parents {@code a} and {@code b} (unit-cube encodings; NaN = inactive). */
    static double[] offspring(UnitCube cube, Nsga2Settings settings, double[] a, double[] b, SplittableRandom random) {
        int d = cube.dimension();
        double[] child1 = a.clone(), child2 = b.clone();
        if (random.nextDouble() < settings.crossoverProb()) {
            for (int i = 0; i < d; i++) {
                if (cube.isCategorical(i)) {
                    if (random.nextDouble() < settings.swappingProb()) {
                        child1[i] = b[i];
                        child2[i] = a[i];
                    }
                } else if (Double.isNaN(a[i]) || Double.isNaN(b[i])) {
                    double v = Double.isNaN(a[i]) ? b[i] : a[i];
                    child1[i] = v;
                    child2[i] = v;
                } else if (random.nextDouble() < 0.5) {
                    double[] c = Variation.sbx(a[i], b[i], settings.etaC(), random);
                    child1[i] = c[0];
                    child2[i] = c[1];
                }
            }
        }
        double[] child = random.nextBoolean() ? child1 : child2;
        for (int i = 0; i < d; i++) {
            if (random.nextDouble() >= settings.mutationProb()) {
                continue;
            }
            if (cube.isCategorical(i) || Double.isNaN(child[i])) {
                child[i] = random.nextDouble();
            } else {
                child[i] = Variation.polynomialMutation(child[i], settings.etaM(), random);
            }
        }
        return child;
    }
}
