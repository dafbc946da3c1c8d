package io.hypatia.sampler.mobster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.SettingException;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import io.hypatia.sampler.gp.model.ModelCache;
import io.hypatia.sampler.gp.model.SpaceEncoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MobsterSamplerTest {
    private static final List<Objective> LOSS = List.of(new Objective("loss", Direction.MINIMIZE));
    private static final SearchSpace LINE = SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false)));
    private static final double[] RUNGS = {1, 3, 9, 27};

    /** A known learning-curve family: the final loss is (x - 0.7)^2, approached as 1/r. */
    private static double curve(double x, double r) {
        return (x - 0.7) * (x - 0.7) + 0.3 / r;
    }

    /** A trial reporting every epoch up to {@code budget} (ASHA-style), PAUSED below the top and COMPLETE at it. */
    private static Trial trial(int n, double x, double budget, double top) {
        List<IntermediateValue> reports = new ArrayList<>();
        for (int e = 1; e <= budget; e++) {
            reports.add(new IntermediateValue(e, curve(x, e)));
        }
        TrialState state = budget >= top ? TrialState.COMPLETE : TrialState.PAUSED;
        return new Trial(n, n, state, Config.of(Map.of("x", x)), state == TrialState.COMPLETE ? List.of(curve(x, budget)) : List.of(),
                reports, budget, Map.of());
    }

    /** Asynchronous successive halving's shape: every third trial promoted to the next rung. */
    private static List<Trial> history(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Trial> trials = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int level = 0;
            while (level < RUNGS.length - 1 && k % (int) Math.pow(3, level + 1) == 0) {
                level++;
            }
            trials.add(trial(k, rnd.nextDouble(), RUNGS[level], 27));
        }
        return trials;
    }

    private static SamplerContext context(List<Trial> trials, int number, Map<String, String> config) {
        return new SamplerContext("s", LINE, LOSS, trials, number, 11, config, 1);
    }

    @Test
    void keepsTheLatestReportPerTrialAndLevelAndCountsTrialsThatReachedALevel() {
        MobsterSettings s = MobsterSettings.parse(Map.of());
        List<Trial> trials = List.of(trial(0, 0.5, 9, 27), trial(1, 0.2, 3, 27), trial(2, 0.9, 1, 27));
        ResourceData data = ResourceData.from(trials, new SpaceEncoding(LINE), Direction.MINIMIZE, s);
        // trial 0: levels 1, 3, 9 at steps 1, 3, 9 (epochs 2 and 4-8 are dropped); trial 1: 1, 3; trial 2: 1
        assertEquals(6, data.points.size());
        assertEquals(3, data.reached[0]);
        assertEquals(2, data.reached[1]);
        assertEquals(1, data.reached[2]);
        assertEquals(2, data.targetLevel(1));
        assertEquals(1, data.targetLevel(2), "the highest level that two trials reached");
        assertEquals(-1, data.targetLevel(4));
        assertEquals(9.0, data.targetStep(2));

        // a running trial at epoch 5 has a point in (3, 9] that has not reached 9 and is not settled
        Trial running = new Trial(3, 3, TrialState.RUNNING, Config.of(Map.of("x", 0.1)), List.of(),
                List.of(new IntermediateValue(1, 1), new IntermediateValue(3, 0.8), new IntermediateValue(5, 0.7)), 27, Map.of());
        ResourceData more = ResourceData.from(List.of(running), new SpaceEncoding(LINE), Direction.MINIMIZE, s);
        ResourceData.Point atFive = more.points.stream().filter(p -> p.step() == 5).findFirst().orElseThrow();
        assertEquals(2, atFive.level());
        assertTrue(!atFive.reached() && !atFive.frozen());
        assertEquals(1, more.pending.size(), "the running trial is pending");

        // explicit levels: steps above the last level form the maximum resource's own level
        MobsterSettings listed = MobsterSettings.parse(Map.of("resource_levels", "1,3,9"));
        assertEquals(3, ResourceData.level(27, 1, listed));
        assertEquals(1, ResourceData.level(2, 1, listed));
    }

    @Test
    void theJointGpPredictsTheKnownCurveAtTheTargetResourceAndEiPointsToItsMinimum() {
        List<Trial> trials = history(120, 3);
        MobsterSettings s = MobsterSettings.parse(Map.of());
        SpaceEncoding enc = new SpaceEncoding(LINE);
        ResourceData data = ResourceData.from(trials, enc, Direction.MINIMIZE, s);
        int target = data.targetLevel(s.minPoints(LINE));
        assertEquals(27.0, data.targetStep(target), "the top rung has enough trials");
        MobsterSampler.JointModel model = new MobsterSampler.JointModel(enc, data, target, s, 11, new ModelCache(), null);
        // EI ranks configurations: the known minimum x = 0.7 beats the edges
        double[] ei = model.logEi(List.of(new double[] {0.7}, new double[] {0.05}, new double[] {0.98}));
        assertTrue(ei[0] > ei[1] && ei[0] > ei[2], "log EI at 0.7, 0.05, 0.98: " + java.util.Arrays.toString(ei));
        double[] best = model.maximiseEi(new SplittableRandom(5));
        assertEquals(0.7, best[0], 0.1, "EI's maximiser at the target resource");
    }

    @Test
    void suggestsNearTheOptimumOnceARungHasDataAndRandomlyBefore() {
        MobsterSampler sampler = new MobsterSampler();
        List<Trial> few = history(4, 1); // 4 trials: no level has min_points (5) trials
        Config first = sampler.suggest(context(few, 4, Map.of()));
        assertEquals(LINE.sampleUniform(context(few, 4, Map.of()).random()), first, "random search until a level has data");

        List<Trial> trials = history(120, 3);
        int near = 0;
        for (int n = 120; n < 130; n++) {
            double x = sampler.suggest(context(trials, n, Map.of())).getDouble("x");
            near += Math.abs(x - 0.7) < 0.15 ? 1 : 0;
        }
        assertTrue(near >= 8, near + " of 10 suggestions within 0.15 of the optimum 0.7 (random: 3 of 10)");
    }

    @Test
    void aSuggestionDependsOnlyOnSeedTrialNumberAndHistory() {
        List<Trial> trials = history(60, 9);
        Config warm = new MobsterSampler().suggest(context(trials, 60, Map.of()));
        MobsterSampler other = new MobsterSampler();
        other.suggest(context(history(40, 2), 40, Map.of())); // another study warms its cache first
        assertEquals(warm, other.suggest(context(trials, 60, Map.of())));
        assertNotEquals(warm, other.suggest(context(trials, 61, Map.of())), "the next trial number draws other candidates");
    }

    @Test
    void pendingTrialsAreFantasisedSoEiThereCollapses() {
        List<Trial> trials = new ArrayList<>(history(120, 3));
        MobsterSampler sampler = new MobsterSampler();
        Config a = sampler.suggest(context(trials, 120, Map.of()));
        MobsterSettings s = MobsterSettings.parse(Map.of());
        SpaceEncoding enc = new SpaceEncoding(LINE);
        ResourceData before = ResourceData.from(trials, enc, Direction.MINIMIZE, s);
        int target = before.targetLevel(s.minPoints(LINE));
        double eiBefore = new MobsterSampler.JointModel(enc, before, target, s, 11, new ModelCache(), null)
                .logEi(List.of(enc.encode(a)))[0];
        trials.add(new Trial(120, 120, TrialState.RUNNING, a, List.of(), List.of(), 1, Map.of()));
        ResourceData after = ResourceData.from(trials, enc, Direction.MINIMIZE, s);
        assertEquals(1, after.pending.size());
        double eiAfter = new MobsterSampler.JointModel(enc, after, target, s, 11, new ModelCache(), null)
                .logEi(List.of(enc.encode(a)))[0];
        assertTrue(eiAfter < eiBefore - 3, "log EI at the running trial's configuration: " + eiBefore + " -> " + eiAfter);
        Config b = sampler.suggest(context(trials, 121, Map.of()));
        assertNotEquals(a, b, "the next worker gets another configuration");
    }

    /**
     * The trap of the synthetic learning curves: a wider network learns faster per epoch but costs
     * more per epoch, and its final loss is the same. Plain EI at a rung prefers wide networks; EI
     * per unit cost, with the costs read from the trials' {@code train_seconds}, prefers narrow ones.
     */
    @Test
    void eiPerUnitCostPrefersCheapConfigurationsThatPlainEiPassesOver() {
        SearchSpace space = SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false), new FloatParameter("width", 0, 1, false)));
        SplittableRandom rnd = new SplittableRandom(4);
        List<Trial> trials = new ArrayList<>();
        for (int k = 0; k < 120; k++) {
            int level = 0;
            while (level < RUNGS.length - 1 && k % (int) Math.pow(3, level + 1) == 0) {
                level++;
            }
            double x = rnd.nextDouble(), w = rnd.nextDouble(), budget = RUNGS[level];
            List<IntermediateValue> reports = new ArrayList<>();
            for (int e = 1; e <= budget; e++) {
                // wider learns faster per epoch (the final loss does not depend on it); noisy reports
                reports.add(new IntermediateValue(e, (x - 0.7) * (x - 0.7) + 0.3 * (1 - 0.2 * w) / Math.sqrt(e) + 0.03 * rnd.nextGaussian()));
            }
            double seconds = budget * (0.5 + 10 * w);
            trials.add(new Trial(k, k, TrialState.PAUSED, Config.of(Map.of("x", x, "width", w)), List.of(), reports, budget,
                    Map.of(Trial.TRAIN_SECONDS, Double.toString(seconds))));
        }
        MobsterSampler sampler = new MobsterSampler();
        double plain = 0, perCost = 0;
        for (int n = 120; n < 130; n++) {
            plain += sampler.suggest(new SamplerContext("s", space, LOSS, trials, n, 11, Map.of("cost_exponent", "0"), 1))
                    .getDouble("width") / 10;
            perCost += sampler.suggest(new SamplerContext("s", space, LOSS, trials, n, 11, Map.of(), 1)).getDouble("width") / 10;
        }
        assertTrue(plain > 0.6, "plain EI chooses wide, fast-learning networks: mean width " + plain);
        assertTrue(perCost < 0.25, "EI per unit cost chooses narrow, cheap ones: mean width " + perCost);

        // without training times (e.g. an older history) it is plain EI
        List<Trial> untimed = trials.stream().map(t -> new Trial(t.id(), t.number(), t.state(), t.config(), t.values(),
                t.intermediates(), t.budget(), Map.of())).toList();
        assertEquals(sampler.suggest(new SamplerContext("s", space, LOSS, untimed, 120, 11, Map.of("cost_exponent", "0"), 1)),
                sampler.suggest(new SamplerContext("s", space, LOSS, untimed, 120, 11, Map.of(), 1)));
    }

    @Test
    void settingsAreCheckedAtStudyCreationNamingTheField() {
        MobsterSampler sampler = new MobsterSampler();
        SettingException bad = assertThrows(SettingException.class,
                () -> sampler.check(LINE, MobsterSettings.SETTINGS.read(Map.of("resource_levels", "1,3,x"))));
        assertEquals("resource_levels", bad.key());
        SettingException order = assertThrows(SettingException.class,
                () -> sampler.check(LINE, MobsterSettings.SETTINGS.read(Map.of("resource_levels", "9,3"))));
        assertEquals("resource_levels", order.key());
        SettingException fit = assertThrows(SettingException.class,
                () -> sampler.check(LINE, MobsterSettings.SETTINGS.read(Map.of("max_points", "50", "max_fit_points", "60"))));
        assertEquals("max_fit_points", fit.key());
        SettingException eta = assertThrows(SettingException.class, () -> MobsterSettings.SETTINGS.read(Map.of("eta", "1")));
        assertEquals("eta", eta.key());
        assertEquals("cost_exponent", assertThrows(SettingException.class,
                () -> MobsterSettings.SETTINGS.read(Map.of("cost_exponent", "-1"))).key());
        sampler.check(LINE, MobsterSettings.SETTINGS.read(Map.of("resource_levels", "1, 3, 9, 27", "eta", "2")));
    }

    @Test
    void largeHistoriesAreCappedByStableSubsamples() {
        List<Trial> trials = history(3000, 4);
        MobsterSettings s = MobsterSettings.parse(Map.of());
        ResourceData data = ResourceData.from(trials, new SpaceEncoding(LINE), Direction.MINIMIZE, s);
        int target = data.targetLevel(5);
        List<ResourceData.Point> kept = Subsample.posterior(data.points, target, 300);
        assertEquals(300, kept.size());
        long high = data.points.stream().filter(p -> p.level() >= target).count();
        assertEquals(Math.min(high, 200), kept.stream().filter(p -> p.level() >= target).count(),
                "the target level and above first");
        List<ResourceData.Point> fit = Subsample.fit(kept, 64);
        assertEquals(64, fit.size());
        // one more trial changes the fit subset only if its point hashes into the bottom 64
        List<Trial> more = new ArrayList<>(trials);
        more.add(trial(3000, 0.5, 1, 27));
        ResourceData grown = ResourceData.from(more, new SpaceEncoding(LINE), Direction.MINIMIZE, s);
        List<ResourceData.Point> fit2 = Subsample.fit(Subsample.posterior(grown.points, target, 300), 64);
        long same = fit2.stream().filter(p -> fit.stream().anyMatch(q -> q.number() == p.number() && q.level() == p.level())).count();
        assertTrue(same >= 62, same + " of 64 fit points kept");
    }

    @Test
    void cachedEncodingsAreThoseOfEncodingAndFollowTheConfigObject() {
        SpaceEncoding enc = new SpaceEncoding(LINE);
        EncodingCache cache = new EncodingCache();
        List<Trial> trials = history(40, 3);
        MobsterSettings s = MobsterSettings.parse(Map.of());
        ResourceData direct = ResourceData.from(trials, enc, Direction.MINIMIZE, s);
        for (int round = 0; round < 2; round++) { // a cold, then a warm cache
            ResourceData cached = ResourceData.from(trials, cache.forStudy("s", LINE, enc), Direction.MINIMIZE, s);
            assertEquals(direct.points.size(), cached.points.size());
            for (int i = 0; i < direct.points.size(); i++) {
                ResourceData.Point a = direct.points.get(i), b = cached.points.get(i);
                assertEquals(a.number(), b.number());
                assertEquals(a.level(), b.level());
                assertTrue(java.util.Arrays.equals(a.features(), b.features()), "point " + i);
            }
        }
        var features = cache.forStudy("s", LINE, enc);
        Trial t = trials.get(5);
        assertTrue(features.apply(t) == features.apply(t), "the same Config object hits the cache");
        // trial 5 again with another configuration object (another value): encoded afresh, not the cached vector
        Trial other = trial(5, 0.123, 1, 27);
        assertEquals(0.123, features.apply(other)[0], 1e-15);
        // another study, or the same name with another space, starts its own cache
        SearchSpace wide = SearchSpace.of(List.of(new FloatParameter("x", 0, 10, false)));
        SpaceEncoding wideEnc = new SpaceEncoding(wide);
        assertTrue(java.util.Arrays.equals(wideEnc.encode(t.config()), cache.forStudy("s", wide, wideEnc).apply(t)));
    }

    @Test
    void writtenOutSortsGiveTheSameOrderAsTheComposedComparators() {
        SplittableRandom rnd = new SplittableRandom(29);
        List<ResourceData.Point> points = new ArrayList<>();
        for (int i = 0; i < 3000; i++) { // few distinct values: many ties on every key
            points.add(new ResourceData.Point(rnd.nextInt(400), rnd.nextInt(4), 1, rnd.nextInt(50) * 0.5, true, true, new double[] {i}));
        }
        List<ResourceData.Point> a = new ArrayList<>(points), b = new ArrayList<>(points);
        a.sort(java.util.Comparator.comparingInt(ResourceData.Point::level).thenComparingInt(ResourceData.Point::number));
        b.sort(Subsample.BY_LEVEL_AND_NUMBER);
        assertEquals(a, b);
        a = new ArrayList<>(points);
        b = new ArrayList<>(points);
        a.sort(java.util.Comparator.comparingDouble(ResourceData.Point::loss).thenComparingInt(ResourceData.Point::number));
        b.sort(Subsample.BY_LOSS_AND_NUMBER);
        assertEquals(a, b);
        // Subsample.smallest: the set of the first k of the stable sort by key (equal keys keep their
        // order, so which of the tied items at the k-th key are taken matters)
        java.util.Comparator<ResourceData.Point> byIndex = java.util.Comparator.comparingDouble(p -> p.features()[0]);
        List<java.util.function.ToLongFunction<ResourceData.Point>> keys = List.of(p -> p.number() % 7, Subsample::hash, p -> 1);
        for (var key : keys) {
            List<ResourceData.Point> sorted = new ArrayList<>(points);
            sorted.sort(java.util.Comparator.comparingLong(key));
            for (int k : new int[] {0, 1, 2, 63, 64, 300, 1000, 2999, 3000, 3500}) {
                a = new ArrayList<>(sorted.subList(0, Math.min(k, sorted.size())));
                a.sort(byIndex);
                b = Subsample.smallest(points, key, k);
                assertEquals(a, b, "k = " + k); // in list order, i.e. by index
            }
        }
    }

    /** The subsamples as first written: stable sorts of every point, then the first k. */
    private static List<ResourceData.Point> posteriorBySorting(List<ResourceData.Point> points, int target, int max) {
        if (points.size() <= max) {
            return points;
        }
        List<ResourceData.Point> high = new ArrayList<>(), low = new ArrayList<>();
        for (ResourceData.Point p : points) {
            (p.level() >= target ? high : low).add(p);
        }
        List<ResourceData.Point> keep = new ArrayList<>(chooseBySorting(high, Math.min(high.size(), 2 * max / 3)));
        keep.addAll(chooseBySorting(low, max - keep.size()));
        keep.sort(Subsample.BY_LEVEL_AND_NUMBER);
        return keep;
    }

    private static List<ResourceData.Point> chooseBySorting(List<ResourceData.Point> group, int k) {
        if (group.size() <= k) {
            return group;
        }
        List<ResourceData.Point> byLoss = new ArrayList<>(group);
        byLoss.sort(Subsample.BY_LOSS_AND_NUMBER);
        List<ResourceData.Point> out = new ArrayList<>(byLoss.subList(0, k / 4));
        List<ResourceData.Point> rest = new ArrayList<>(byLoss.subList(k / 4, byLoss.size()));
        rest.sort(java.util.Comparator.comparingLong(Subsample::hash));
        out.addAll(rest.subList(0, k - out.size()));
        return out;
    }

    private static List<ResourceData.Point> fitBySorting(List<ResourceData.Point> points, int max) {
        List<ResourceData.Point> frozen = points.stream().filter(ResourceData.Point::frozen).toList();
        List<ResourceData.Point> pool = frozen.size() >= 10 ? frozen : points;
        if (pool.size() <= max) {
            return pool;
        }
        List<ResourceData.Point> sample = new ArrayList<>(pool);
        sample.sort(java.util.Comparator.comparingLong(Subsample::hash));
        sample = new ArrayList<>(sample.subList(0, max));
        sample.sort(Subsample.BY_LEVEL_AND_NUMBER);
        return sample;
    }

    @Test
    void subsamplesAreThoseOfSortingEveryPoint() {
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int n = 50 + rnd.nextInt(2000);
            List<ResourceData.Point> points = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                for (int level = 0; level < 4 && (level == 0 || rnd.nextInt(3) == 0); level++) { // ties on the loss
                    points.add(new ResourceData.Point(t, level, Math.pow(3, level), rnd.nextInt(30) * 0.25, true, rnd.nextInt(5) > 0,
                            new double[] {t}));
                }
            }
            points.sort(Subsample.BY_LEVEL_AND_NUMBER);
            for (int max : new int[] {10, 64, 300, 1000}) {
                for (int target = 0; target < 4; target++) {
                    List<ResourceData.Point> kept = Subsample.posterior(points, target, max);
                    assertEquals(posteriorBySorting(points, target, max), kept, "seed " + seed + ", max " + max);
                    assertEquals(fitBySorting(kept, 64), Subsample.fit(kept, 64), "seed " + seed + ", max " + max);
                }
            }
        }
    }
}
