package io.hypatia.sampler.mobster.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import io.hypatia.sampler.gp.model.SpaceEncoding;
import io.hypatia.sampler.mobster.internal.ResourceData.Share;
import io.hypatia.sampler.mobster.internal.ResourceData.Shares;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The observations read through {@link ShareCache} are those read afresh, bit for bit, at every ask of a growing study. */
class ShareCacheTest {
    private static final SearchSpace SPACE = SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false),
            new FloatParameter("y", 1e-3, 1, true)));

    /** A trial as the engine keeps it: mutable, handing out one immutable snapshot until it changes. */
    private static final class Live {
        final int number;
        final Config config;
        TrialState state = TrialState.WAITING;
        final List<IntermediateValue> reports = new ArrayList<>();
        final Map<String, String> attributes = new HashMap<>();
        List<Double> values = List.of();
        double budget;
        double step;
        Trial snapshot;

        Live(int number, Config config, double budget) {
            this.number = number;
            this.config = config;
            this.budget = budget;
        }

        Trial snapshot() {
            if (snapshot == null) {
                snapshot = new Trial(number, number, state, config, values, reports, budget, attributes);
            }
            return snapshot;
        }
    }

    /** Every ask parses the study's settings afresh: equal settings, resource_levels included, must find the same store. */
    @Test
    void settingsParsedAgainAtEveryAskKeepTheStudysShares() {
        ShareCache cache = new ShareCache();
        Map<String, String> config = Map.of("resource_levels", "1,3,9,27");
        Shares first = cache.forStudy("s", SPACE, Direction.MINIMIZE, MobsterSettings.parse(config));
        org.junit.jupiter.api.Assertions.assertSame(first, cache.forStudy("s", SPACE, Direction.MINIMIZE, MobsterSettings.parse(config)));
        assertNotSame(first, cache.forStudy("s", SPACE, Direction.MINIMIZE, MobsterSettings.parse(Map.of("resource_levels", "1,3,9"))));
    }

    @Test
    void sharesKeptBetweenAsksGiveTheDataOfReadingEveryTrialAfresh() {
        MobsterSettings auto = MobsterSettings.parse(Map.of());
        MobsterSettings listed = MobsterSettings.parse(Map.of("resource_levels", "1,3,9,27"));
        for (long seed = 1; seed <= 4; seed++) {
            grow(seed, seed % 2 == 0 ? auto : listed, seed > 2 ? Direction.MAXIMIZE : Direction.MINIMIZE);
        }
    }

    /**
     * A random asynchronous study of 120 trials (reports at whole and fractional steps, non-finite
     * values, completions beyond the last report, pauses, prunes, failures, training times), asked
     * after every event; one trial reports a smaller step than any before it late on (event 1,000), which moves
     * every level. Fails if a kept share were used for a changed trial or at another smallest step.
     */
    private static void grow(long seed, MobsterSettings settings, Direction direction) {
        SplittableRandom rnd = new SplittableRandom(seed);
        SpaceEncoding enc = new SpaceEncoding(SPACE);
        EncodingCache encodings = new EncodingCache();
        ShareCache cache = new ShareCache();
        int[] hits = new int[1];
        List<Live> live = new ArrayList<>();
        double firstMinStep = Double.NaN;
        boolean minStepMoved = false;
        boolean smallStepReported = false;
        for (int event = 0; event < 1500; event++) {
            if (live.size() < 120 && (live.isEmpty() || rnd.nextInt(8) == 0)) {
                live.add(new Live(live.size(), Config.of(Map.of("x", rnd.nextDouble(), "y", Math.exp(-6 * rnd.nextDouble()))),
                        new double[] {1, 3, 9, 27}[rnd.nextInt(4)]));
            } else if (event >= 1000 && !smallStepReported) {
                // a report below every step so far, from the first trial still going
                Live t = live.stream().filter(l -> !finished(l.state)).findFirst().orElseThrow();
                t.state = TrialState.RUNNING;
                t.reports.add(new IntermediateValue(0.25, 2.0));
                t.snapshot = null;
                smallStepReported = true;
            } else {
                act(live.get(rnd.nextInt(live.size())), rnd);
            }
            List<Trial> trials = live.stream().map(Live::snapshot).toList();
            ResourceData fresh = ResourceData.from(trials, t -> enc.encode(t.config()), direction, settings);
            Shares kept = cache.forStudy("s", SPACE, direction, settings);
            Shares counted = new Shares() {
                @Override
                public Share get(Trial t) {
                    Share s = kept.get(t);
                    hits[0] += s == null ? 0 : 1;
                    return s;
                }

                @Override
                public void put(Share s) {
                    kept.put(s);
                }
            };
            ResourceData cached = ResourceData.from(trials, encodings.forStudy("s", SPACE, enc), direction, settings, counted);
            assertSame(fresh, cached, "seed " + seed + ", event " + event);
            if (Double.isNaN(firstMinStep) && Double.isFinite(fresh.minStep)) {
                firstMinStep = fresh.minStep;
            }
            minStepMoved |= Double.isFinite(fresh.minStep) && fresh.minStep != firstMinStep;
        }
        assertTrue(minStepMoved, "the history moves the smallest step after shares were kept");
        assertTrue(hits[0] > 1500 * 40, "kept shares are used: " + hits[0]);
    }

    private static boolean finished(TrialState s) {
        return s == TrialState.COMPLETE || s == TrialState.FAILED || s == TrialState.PRUNED;
    }

    /** One random event of trial {@code t}. */
    private static void act(Live t, SplittableRandom rnd) {
        if (finished(t.state)) {
            return;
        }
        if (t.state == TrialState.WAITING || t.state == TrialState.PAUSED) {
            t.state = TrialState.RUNNING;
            if (t.step >= t.budget) {
                t.budget *= 3;
            }
        } else if (t.step < t.budget && rnd.nextInt(10) > 0) {
            t.step = rnd.nextInt(6) == 0 ? t.step + 0.5 : Math.floor(t.step) + 1;
            double value = rnd.nextInt(40) == 0 ? Double.NaN : 1 / t.step + rnd.nextDouble() * 0.1;
            t.reports.add(new IntermediateValue(t.step, value));
            t.attributes.put(Trial.TRAIN_SECONDS, rnd.nextInt(20) == 0 ? "n/a" : Double.toString(t.step * (1 + rnd.nextDouble())));
        } else {
            int r = rnd.nextInt(10);
            if (r < 5 && t.budget >= 27) {
                t.state = TrialState.COMPLETE;
                t.values = List.of(rnd.nextDouble()); // reported at the budget, past the last step
            } else if (r < 7) {
                t.state = TrialState.PAUSED;
            } else if (r < 9) {
                t.state = TrialState.PRUNED;
            } else {
                t.state = TrialState.FAILED;
            }
        }
        t.snapshot = null;
    }

    private static void assertSame(ResourceData a, ResourceData b, String where) {
        assertEquals(Double.doubleToLongBits(a.minStep), Double.doubleToLongBits(b.minStep), where);
        assertEquals(Double.doubleToLongBits(a.maxStep), Double.doubleToLongBits(b.maxStep), where);
        assertArrayEquals(a.reached, b.reached, where);
        assertEquals(a.points.size(), b.points.size(), where);
        for (int i = 0; i < a.points.size(); i++) {
            ResourceData.Point p = a.points.get(i), q = b.points.get(i);
            assertEquals(p.number(), q.number(), where);
            assertEquals(p.level(), q.level(), where);
            assertEquals(Double.doubleToLongBits(p.step()), Double.doubleToLongBits(q.step()), where);
            assertEquals(Double.doubleToLongBits(p.loss()), Double.doubleToLongBits(q.loss()), where);
            assertEquals(p.reached(), q.reached(), where);
            assertEquals(p.frozen(), q.frozen(), where);
            assertArrayEquals(p.features(), q.features(), where);
        }
        assertEquals(a.costs.size(), b.costs.size(), where);
        for (int i = 0; i < a.costs.size(); i++) {
            ResourceData.Cost c = a.costs.get(i), d = b.costs.get(i);
            assertEquals(c.number(), d.number(), where);
            assertEquals(Double.doubleToLongBits(c.logSecondsPerStep()), Double.doubleToLongBits(d.logSecondsPerStep()), where);
            assertArrayEquals(c.features(), d.features(), where);
        }
        assertEquals(a.pending.size(), b.pending.size(), where);
        for (int i = 0; i < a.pending.size(); i++) {
            assertArrayEquals(a.pending.get(i), b.pending.get(i), where);
        }
    }
}
