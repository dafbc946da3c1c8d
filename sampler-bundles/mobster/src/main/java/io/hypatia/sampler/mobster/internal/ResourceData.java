package io.hypatia.sampler.mobster.internal;

import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import io.hypatia.sampler.gp.model.SpaceEncoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The (configuration, resource, loss) observations MOBSTER's GP is fitted on, read from the trials'
 * intermediate reports. A trainer may report at every epoch; keeping every report would make the
 * data grow with the epochs trained, so the resource axis is cut into levels (the scheduler's rung
 * levels: {@code resource_levels}, or the smallest reported step times powers of {@code eta}) and a
 * trial contributes its latest report in each level's interval {@code (level_{k-1}, level_k]}: at
 * most one point per trial and rung, at the rung itself for a trial that got there. A trial
 * <em>reached</em> level k when it reported at {@code level_k} or beyond, or completed there (the
 * top level holds the trials trained to the maximum resource).
 *
 * <p>WAITING and RUNNING trials are also kept as pending configurations (they will report at the
 * target level if they get there; the sampler fantasises their outcome there).
 */
final class ResourceData {
    /** One observation: trial {@code number}'s latest report in level {@code level}'s interval. */
    record Point(int number, int level, double step, double loss, boolean reached, boolean frozen, double[] features) {
    }

    /** Trial {@code number}'s training cost: log of its {@link Trial#TRAIN_SECONDS} per step trained. */
    record Cost(int number, double logSecondsPerStep, double[] features) {
    }

    private static final IntermediateValue[] NO_REPORTS = new IntermediateValue[0];

    final List<Point> points;
    /** Every trial with a known, positive training time per step, in trial order. */
    final List<Cost> costs;
    final List<double[]> pending;
    /** Trials that reached each level (index = level). */
    final int[] reached;
    /** Smallest and largest step in the data (the resource axis is normalised between them, in log scale). */
    final double minStep;
    final double maxStep;

    private ResourceData(List<Point> points, List<Cost> costs, List<double[]> pending, int[] reached, double minStep,
                         double maxStep) {
        this.points = points;
        this.costs = costs;
        this.pending = pending;
        this.reached = reached;
        this.minStep = minStep;
        this.maxStep = maxStep;
    }

    static ResourceData from(List<Trial> trials, SpaceEncoding enc, Direction direction, MobsterSettings settings) {
        return from(trials, t -> enc.encode(t.config()), direction, settings);
    }

    /** As {@link #from(List, SpaceEncoding, Direction, MobsterSettings)} with each trial's feature vector from {@code features}. */
    static ResourceData from(List<Trial> trials, Function<Trial, double[]> features, Direction direction, MobsterSettings settings) {
        return from(trials, features, direction, settings, Shares.NONE);
    }

    /**
     * As {@link #from(List, Function, Direction, MobsterSettings)}, taking each trial's smallest
     * step and its {@link Share} from {@code shares} when kept there for the very same trial
     * snapshot (and smallest step), and keeping the ones computed: the same values, so the same data.
     */
    static ResourceData from(List<Trial> trials, Function<Trial, double[]> features, Direction direction, MobsterSettings settings,
                             Shares shares) {
        Share[] kept = new Share[trials.size()]; // null where nothing is kept for the trial
        double[] smallest = new double[kept.length];
        double minStep = Double.POSITIVE_INFINITY;
        for (int i = 0; i < kept.length; i++) {
            Trial t = trials.get(i);
            kept[i] = shares.get(t);
            smallest[i] = kept[i] != null ? kept[i].smallestStep : smallestStep(t);
            minStep = Math.min(minStep, smallest[i]);
        }
        Levels levels = null;
        List<List<Point>> byLevel = new ArrayList<>(); // in trial order within each level
        List<Cost> costs = new ArrayList<>();
        List<double[]> pending = new ArrayList<>();
        int top = -1;
        double maxStep = 0;
        for (int i = 0; i < kept.length; i++) {
            Trial t = trials.get(i);
            if (t.state() == TrialState.RUNNING || t.state() == TrialState.WAITING) {
                pending.add(features.apply(t));
            }
            if (Double.isInfinite(minStep)) {
                continue;
            }
            Share s = kept[i];
            if (s == null || s.minStep != minStep) { // not kept, or kept at another smallest step
                if (levels == null) {
                    levels = new Levels(minStep, settings);
                }
                s = share(t, smallest[i], features, direction, settings, levels);
                shares.put(s);
            }
            if (s.cost != null) {
                costs.add(s.cost);
            }
            for (Point p : s.points) {
                while (byLevel.size() <= p.level) {
                    byLevel.add(new ArrayList<>());
                }
                byLevel.get(p.level).add(p);
                top = Math.max(top, p.level);
                maxStep = Math.max(maxStep, p.step);
            }
        }
        int[] reached = new int[top + 1];
        List<Point> points = new ArrayList<>();
        for (List<Point> level : byLevel) {
            for (Point p : level) {
                if (p.reached) {
                    reached[p.level]++;
                }
            }
            points.addAll(level);
        }
        // Already in this order when the trials come by increasing number (the engine's order), and
        // then the sort only checks it (one run); a level and trial number make one point at most,
        // so any order of the same points sorts to the same list.
        points.sort(Subsample.BY_LEVEL_AND_NUMBER);
        return new ResourceData(points, costs, pending, reached, minStep, maxStep);
    }

    /**
     * One trial's part of the data when the smallest step in the data is {@code minStep}: its points
     * by level and its cost (null when unknown). A function of the trial snapshot, {@code minStep}
     * and the study's settings, direction and encoding, so it can be kept between asks.
     * {@code smallestStep} is the trial's own smallest step ({@link #smallestStep}).
     */
    record Share(Trial trial, double smallestStep, double minStep, List<Point> points, Cost cost) {
    }

    /** Where {@link Share}s are kept between asks; {@link #NONE} keeps nothing. */
    interface Shares {
        Shares NONE = new Shares() {
            @Override
            public Share get(Trial t) {
                return null;
            }

            @Override
            public void put(Share s) {
            }
        };

        /** The share kept for this very trial snapshot, or null. */
        Share get(Trial t);

        void put(Share s);
    }

    /** The smallest step {@code t} contributes to the data's smallest step (infinite for none). */
    private static double smallestStep(Trial t) {
        double minStep = Double.POSITIVE_INFINITY;
        for (IntermediateValue v : t.intermediates()) {
            if (v.step() > 0 && v.step() < minStep && Double.isFinite(v.value())) {
                minStep = v.step();
            }
        }
        if (t.state() == TrialState.COMPLETE && t.budget() > 0 && t.budget() < minStep) {
            minStep = t.budget();
        }
        return minStep;
    }

    private static Share share(Trial t, double smallestStep, Function<Trial, double[]> features, Direction direction,
                               MobsterSettings settings, Levels levels) {
        double minStep = levels.minStep;
        // level -> the latest report in its interval (null: none); levels are small
        // non-negative integers, so an array replaces a map (the points are sorted by the caller)
        IntermediateValue[] latest = NO_REPORTS;
        int filled = 0;
        double lastStep = 0;
        for (IntermediateValue v : t.intermediates()) {
            if (!(v.step() > 0) || !Double.isFinite(v.value())) {
                continue;
            }
            int k = levels.of(v.step());
            if (k >= latest.length) {
                latest = Arrays.copyOf(latest, Math.max(k + 1, 2 * latest.length));
            }
            IntermediateValue a = latest[k];
            if (a == null) {
                filled++;
            }
            latest[k] = a == null || v.step() >= a.step() ? v : a;
            lastStep = Math.max(lastStep, v.step());
        }
        boolean complete = t.state() == TrialState.COMPLETE;
        if (complete && t.budget() > lastStep && !t.values().isEmpty() && Double.isFinite(t.values().get(0))) {
            int k = levels.of(t.budget());
            if (k >= latest.length) {
                latest = Arrays.copyOf(latest, Math.max(k + 1, 2 * latest.length));
            }
            if (latest[k] == null) {
                filled++;
            }
            latest[k] = new IntermediateValue(t.budget(), t.values().get(0));
            lastStep = t.budget();
        }
        if (filled == 0) {
            return new Share(t, smallestStep, minStep, List.of(), null);
        }
        boolean finished = complete || t.state() == TrialState.PRUNED || t.state() == TrialState.FAILED;
        double[] x = features.apply(t);
        double seconds = trainSeconds(t);
        Cost cost = null;
        if (seconds > 0 && lastStep > 0) {
            // resumed attempts go on from their checkpoint, so the resource trained is the last step
            cost = new Cost(t.number(), Math.log(seconds / lastStep), x);
        }
        List<Point> points = new ArrayList<>(filled);
        for (int k = 0; k < latest.length; k++) {
            IntermediateValue v = latest[k];
            if (v == null) {
                continue;
            }
            boolean reached = v.step() >= levelValue(k, minStep, settings) * (1 - 1e-9)
                    || (complete && v.step() == lastStep);
            // a point is final once the trial got past its level or stopped; a running trial's
            // point in its current interval moves with every report
            boolean frozen = reached || finished || lastStep > v.step();
            points.add(new Point(t.number(), k, v.step(), direction.toLoss(v.value()), reached, frozen, x));
        }
        return new Share(t, smallestStep, minStep, List.copyOf(points), cost);
    }

    /** The trial's {@link Trial#TRAIN_SECONDS}, or 0 when absent or unreadable. */
    private static double trainSeconds(Trial t) {
        String s = t.attributes().get(Trial.TRAIN_SECONDS);
        if (s == null) {
            return 0;
        }
        try {
            double v = Double.parseDouble(s);
            return Double.isFinite(v) ? v : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * {@link #level} for one pass over the trials, remembered for whole steps below
     * {@value #REMEMBERED_STEPS} (epochs): the same steps recur in every trial, and computing two
     * logarithms per report was a tenth of an ask on a long study. The same function, so the same levels.
     */
    private static final class Levels {
        private final double minStep;
        private final MobsterSettings settings;
        private final int[] byStep = new int[REMEMBERED_STEPS]; // level + 1; 0: not computed

        Levels(double minStep, MobsterSettings settings) {
            this.minStep = minStep;
            this.settings = settings;
        }

        int of(double step) {
            if (step >= 0 && step < REMEMBERED_STEPS && step == (int) step) {
                int i = (int) step;
                int k = byStep[i];
                if (k == 0) {
                    k = level(step, minStep, settings) + 1;
                    byStep[i] = k;
                }
                return k - 1;
            }
            return level(step, minStep, settings);
        }
    }

    private static final int REMEMBERED_STEPS = 4096;

    /** Index of the level whose interval {@code (level_{k-1}, level_k]} holds {@code step}. */
    static int level(double step, double minStep, MobsterSettings settings) {
        double[] levels = settings.levels();
        if (levels == null) {
            int k = (int) Math.ceil(Math.log(step / minStep) / Math.log(settings.eta()) - 1e-9);
            return Math.max(0, k);
        }
        for (int k = 0; k < levels.length; k++) {
            if (step <= levels[k] * (1 + 1e-9)) {
                return k;
            }
        }
        return levels.length; // above the last listed level: the maximum resource's own level
    }

    /** The resource of level {@code k} (infinite for the level above an explicit list). */
    static double levelValue(int k, double minStep, MobsterSettings settings) {
        double[] levels = settings.levels();
        if (levels == null) {
            return minStep * Math.pow(settings.eta(), k);
        }
        return k < levels.length ? levels[k] : Double.POSITIVE_INFINITY;
    }

    /**
     * The level EI targets: the highest one that at least {@code minPoints} trials reached (BOHB's
     * rule, which MOBSTER follows), or -1 when none has.
     */
    int targetLevel(int minPoints) {
        for (int k = reached.length - 1; k >= 0; k--) {
            if (reached[k] >= minPoints) {
                return k;
            }
        }
        return -1;
    }

    /** The resource EI is taken at for level {@code k}: the largest step a trial reached it with. */
    double targetStep(int k) {
        double r = 0;
        for (Point p : points) {
            if (p.level == k && p.reached) {
                r = Math.max(r, p.step);
            }
        }
        return r;
    }

    /** The resource coordinate of the GP input: log step scaled to [0, 1] over the data's steps. */
    double resourceCoordinate(double step) {
        return maxStep > minStep ? Math.log(step / minStep) / Math.log(maxStep / minStep) : 0;
    }
}
