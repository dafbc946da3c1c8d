package io.hypatia.sampler.cmaes.internal;

import io.hypatia.api.Configurable;
import io.hypatia.api.PluginProperties;
import io.hypatia.api.Settings;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import io.hypatia.api.pareto.ConstrainedOrder;
import io.hypatia.sampler.support.Losses;
import io.hypatia.sampler.support.UnitCube;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;

/**
 * CMA-ES (Hansen, "The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772) with IPOP restarts
 * (Auger and Hansen 2005), in ask/tell form with the state rebuilt from the trial history on
 * every call.
 *
 * <p><b>Search space.</b> CMA-ES searches the unit cube of the unconditional float, int and
 * ordinal parameters (their {@link Parameter#toUnit} coordinates). Int and ordinal values are
 * obtained by {@link Parameter#fromUnit} of the continuous coordinate (flooring into equal cells;
 * no integer margin), while the update uses the continuous coordinate the candidate was drawn
 * at. Candidates outside the cube are redrawn (up to 100 times, then clipped).
 * <b>Categorical and conditional parameters are not modelled</b>: they are sampled uniformly at
 * random from the trial's seeded stream (logged once per study). One objective only; with
 * constraints, feasible trials rank first and infeasible ones by total violation.
 *
 * <p><b>Generations.</b> Trial numbers are cut into consecutive generations: the first
 * generation is trials 0..lambda-1, the next starts where the previous one ended, and after an
 * IPOP restart lambda doubles. A generation is <em>complete</em> when all its trials are
 * finished (COMPLETE, FAILED or PRUNED) or PAUSED; a trial number absent from the history counts
 * as failed. Rebuilding replays every complete generation in order; the first incomplete
 * generation's distribution is the current one, and every new trial, whether one of that
 * generation's remaining slots or an extra while it waits for RUNNING/WAITING trials, is drawn
 * from it: z ~ N(0, I) from the trial's own seeded stream ({@link SamplerContext#random()} of
 * that trial number), so each candidate is reproducible. When a generation is replayed, each
 * trial's candidate is regenerated; a trial whose configuration differs from it (an extra drawn
 * from an older distribution, an engine fallback, a hand-enqueued configuration) enters the
 * update as an injected solution with its step clipped. FAILED, PRUNED and PAUSED trials, and
 * COMPLETE ones without a finite value, rank as the worst of their generation (after all
 * completed ones, in trial-number order), so they receive the negative "active" weights. A
 * generation with no completed trial leaves the distribution unchanged.
 *
 * <p><b>Restarts.</b> After each generation Hansen's termination criteria are checked (see
 * {@link CmaState#stopCriterion}); when one holds, a new run starts at the next trial number with
 * twice the population size, a mean drawn uniformly from the cube (seeded by the study seed and
 * the run index) and the initial step size.
 *
 * <p>Sampler config keys:
 * <ul>
 *   <li>{@code sigma0} — initial step size in the unit cube, in (0, 1]; default 1/6 (the box is then
 *   about ±3 sigma0 around its centre, as Optuna's default; 0.25 was worse at 100 trials on most
 *   of the synthetic suite, see docs/bench/SAMPLERS.md).</li>
 *   <li>{@code population_size} — initial lambda, 2..100000; default 4 + floor(3 ln n) for n
 *       searched parameters.</li>
 *   <li>{@code restart} — {@code ipop} (default) or {@code none}.</li>
 * </ul>
 * The first run starts at the centre of the cube.
 */
@Component(service = Sampler.class, property = {
        PluginProperties.NAME + "=cmaes",
        PluginProperties.DESCRIPTION + "=CMA-ES with IPOP restarts over float/int/ordinal parameters (categorical ones uniform; one objective)"})
public class CmaEsSampler implements Sampler, Configurable {
    private static final System.Logger LOG = System.getLogger(CmaEsSampler.class.getName());
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();
    private static final int CACHE_SIZE = 64;
    /**
     * A cache, never a source of truth: per (study, seed, space, config), the state after the
     * complete generations of some history and the trials those generations read. It is used only
     * when the current history holds exactly the same trials under those numbers, so the result
     * is identical to a replay from scratch; it only saves the replay's time.
     */
    private final Map<List<Object>, Snapshot> cache = new ConcurrentHashMap<>();

    private record Snapshot(CmaState state, Map<Integer, Trial> trials) {
    }

    @Override
    public Settings settings() {
        return CmaSettings.SETTINGS;
    }

    @Override
    public Config suggest(SamplerContext context) {
        if (context.objectives().size() != 1) {
            throw new IllegalArgumentException("cmaes optimises one objective; the study has " + context.objectives().size()
                    + " (use nsga2 or a multi-objective sampler)");
        }
        Layout layout = new Layout(context.space());
        CmaSettings settings = CmaSettings.parse(context.config(), Math.max(1, layout.n()));
        if (layout.n() == 0) {
            return context.space().sampleUniform(context.random());
        }
        warnOnceAboutUnmodelled(context, layout);
        List<Object> key = List.of(context.studyName(), context.seed(), context.space(), context.config());
        Snapshot cached = cache.get(key);
        CmaState state = rebuild(context, layout, settings, cached == null ? null : cached.state, cached == null ? null : cached.trials);
        if (cached == null || cached.state.startTrial != state.startTrial) {
            Map<Integer, Trial> read = new HashMap<>();
            for (Trial t : context.trials()) {
                if (t.number() < state.startTrial) {
                    read.put(t.number(), t);
                }
            }
            if (cache.size() >= CACHE_SIZE) {
                cache.clear();
            }
            cache.put(key, new Snapshot(state.copy(), read));
        }
        return candidate(context, context.trialNumber(), state, layout).config;
    }

    /** Which unit-cube coordinates CMA-ES searches. */
    static final class Layout {
        final UnitCube cube;
        /** Indices (into the space's parameters) of the searched parameters. */
        final int[] searched;
        final List<String> unmodelled = new ArrayList<>();

        Layout(io.hypatia.api.space.SearchSpace space) {
            cube = new UnitCube(space);
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < cube.dimension(); i++) {
                Parameter p = cube.parameter(i);
                if (p instanceof CategoricalParameter || p.isConditional()) {
                    unmodelled.add(p.name());
                } else {
                    idx.add(i);
                }
            }
            searched = idx.stream().mapToInt(Integer::intValue).toArray();
        }

        int n() {
            return searched.length;
        }
    }

    private static void warnOnceAboutUnmodelled(SamplerContext context, Layout layout) {
        if (!layout.unmodelled.isEmpty() && WARNED.size() < 10_000 && WARNED.add(context.studyName())) {
            LOG.log(System.Logger.Level.INFO, "cmaes: study ''{0}'': categorical/conditional parameters {1} are sampled "
                    + "uniformly at random; CMA-ES models only {2} of {3} parameters",
                    context.studyName(), layout.unmodelled, layout.n(), layout.cube.dimension());
        }
    }

    /** A candidate: its continuous coordinates on the searched dimensions and its configuration. */
    record Candidate(double[] x, Config config) {
    }

    /** The candidate of trial {@code number} under {@code state}, from that trial's own random stream. */
    static Candidate candidate(SamplerContext context, int number, CmaState state, Layout layout) {
        SamplerContext forTrial = number == context.trialNumber() ? context
                : new SamplerContext(context.studyName(), context.space(), context.objectives(), context.trials(),
                number, context.seed(), context.config());
        SplittableRandom random = forTrial.random();
        double[] u = new double[layout.cube.dimension()];
        for (int i = 0; i < u.length; i++) {
            u[i] = random.nextDouble(); // unmodelled parameters keep these uniform draws
        }
        double[] x = state.sample(random);
        for (int k = 0; k < x.length; k++) {
            u[layout.searched[k]] = x[k];
        }
        return new Candidate(x, layout.cube.decode(u));
    }

    /**
     * Replays every complete generation of the history; returns the state of the first incomplete
     * one. With a cached state (and the trials it was built from) that agrees with this history,
     * replay continues from it.
     */
    static CmaState rebuild(SamplerContext context, Layout layout, CmaSettings settings, CmaState cachedState,
                            Map<Integer, Trial> cachedTrials) {
        int next = context.trialNumber();
        Map<Integer, Trial> byNumber = new HashMap<>();
        for (Trial t : context.trials()) {
            byNumber.put(t.number(), t);
        }
        CmaState state;
        if (cachedState != null && cachedState.startTrial <= next && agrees(byNumber, cachedTrials, cachedState.startTrial)) {
            state = cachedState.copy();
        } else {
            double[] centre = new double[layout.n()];
            Arrays.fill(centre, 0.5);
            state = new CmaState(layout.n(), settings.populationSize(), settings.sigma0(), centre, 0, 0);
        }
        while (true) {
            int start = state.startTrial, end = start + state.lambda;
            if (end > next || !complete(byNumber, start, end)) {
                return state;
            }
            CmaState restarted = replay(context, layout, settings, state, byNumber);
            if (restarted != null) {
                state = restarted;
            }
        }
    }

    private static boolean agrees(Map<Integer, Trial> byNumber, Map<Integer, Trial> cached, int end) {
        for (int k = 0; k < end; k++) {
            if (!java.util.Objects.equals(byNumber.get(k), cached.get(k))) {
                return false;
            }
        }
        return true;
    }

    private static boolean complete(Map<Integer, Trial> byNumber, int start, int end) {
        for (int k = start; k < end; k++) {
            Trial t = byNumber.get(k);
            if (t != null && !(t.state().isFinished() || t.state() == TrialState.PAUSED)) {
                return false;
            }
        }
        return true;
    }

    private record Evaluated(int number, double[] x, boolean injected, boolean completed, double loss, double violation,
                             double[] encoded) {
    }

    /**
     * Tells one complete generation to {@code state} and advances it; returns a fresh state when
     * a restart criterion fires, else null.
     */
    private static CmaState replay(SamplerContext context, Layout layout, CmaSettings settings, CmaState state,
                                   Map<Integer, Trial> byNumber) {
        int start = state.startTrial, end = start + state.lambda;
        List<Evaluated> generation = new ArrayList<>(state.lambda);
        for (int k = start; k < end; k++) {
            Trial trial = byNumber.get(k);
            Candidate cand = candidate(context, k, state, layout);
            if (trial == null) {
                generation.add(new Evaluated(k, cand.x, false, false, Double.NaN, 0, null));
                continue;
            }
            double[] encoded = layout.cube.encode(trial.config());
            double[] candEncoded = layout.cube.encode(cand.config);
            boolean same = true;
            double[] x = new double[layout.n()];
            for (int j = 0; j < layout.n(); j++) {
                int i = layout.searched[j];
                same &= Math.abs(encoded[i] - candEncoded[i]) <= 1e-9;
                x[j] = Double.isNaN(encoded[i]) ? state.mean[j] : encoded[i];
            }
            double[] loss = Losses.of(trial, context.objectives());
            double[] searchedEncoding = new double[layout.n()];
            for (int j = 0; j < layout.n(); j++) {
                searchedEncoding[j] = encoded[layout.searched[j]];
            }
            generation.add(new Evaluated(k, same ? cand.x : x, !same, loss != null, loss == null ? Double.NaN : loss[0],
                    ConstrainedOrder.violation(trial), searchedEncoding));
        }
        List<Evaluated> ranked = new ArrayList<>(generation);
        ranked.sort((a, b) -> {
            if (a.completed != b.completed) {
                return a.completed ? -1 : 1;
            }
            if (a.completed) {
                int c = ConstrainedOrder.compare(a.loss, a.violation, b.loss, b.violation);
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(a.number, b.number);
        });
        List<Double> losses = new ArrayList<>();
        for (Evaluated e : ranked) {
            if (e.completed) {
                losses.add(e.loss);
            }
        }
        state.startTrial = end;
        if (losses.isEmpty()) {
            return null; // nothing learned: the next generation reuses this distribution
        }
        double[][] xs = new double[state.lambda][];
        boolean[] injected = new boolean[state.lambda];
        for (int i = 0; i < ranked.size(); i++) {
            xs[i] = ranked.get(i).x;
            injected[i] = ranked.get(i).injected;
        }
        state.tell(xs, injected);
        double[] generationLosses = losses.stream().mapToDouble(Double::doubleValue).toArray();
        boolean allSame = true;
        for (Evaluated e : generation) {
            allSame &= e.encoded != null && Arrays.equals(e.encoded, generation.get(0).encoded);
        }
        String stop = state.stopCriterion(generationLosses, allSame && generation.size() > 1);
        state.bestHistory.add(Collections.min(losses));
        if (stop == null || !settings.ipop()) {
            return null;
        }
        int run = state.run + 1;
        long lambda = Math.min(100_000L, (long) settings.populationSize() << Math.min(run, 20));
        SplittableRandom r = new SplittableRandom(context.seed() * 0xD1B54A32D192ED03L + run * 0x9E3779B97F4A7C15L + 0x1F0E5L);
        double[] mean = new double[layout.n()];
        for (int j = 0; j < mean.length; j++) {
            mean[j] = r.nextDouble();
        }
        return new CmaState(layout.n(), (int) lambda, settings.sigma0(), mean, run, end);
    }

    /** For tests: the population size and run index the history leads to. */
    static int[] lambdaAndRun(SamplerContext context) {
        Layout layout = new Layout(context.space());
        CmaState s = rebuild(context, layout, CmaSettings.parse(context.config(), Math.max(1, layout.n())), null, null);
        return new int[]{s.lambda, s.run, s.startTrial};
    }
}
