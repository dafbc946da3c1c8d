package io.hypatia.scheduler.median.internal;

import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The completed trials' running averages, kept in the study's scheduler memory as trials complete,
 * so a report's decision reads a sorted array instead of scanning every completed trial's curve.
 *
 * <p>Each completed trial's curve is reduced once to its running average at each step it reported
 * (summed in report order, as the rule defines it). For each step a report asked about, the
 * completed trials' averages at that step are kept sorted; a trial that completes later is
 * inserted into each. Only trials not yet finished are looked at per report, to find the ones
 * that completed since. A raise of the max resource can reopen completed trials, so it starts
 * the memory afresh, as does a shorter trial list (the engine's memory is only a cache).
 */
final class CompletedAverages {
    /** Steps whose sorted averages are kept, least recently asked dropped first (continuous steps). */
    static final int MAX_STEPS = 256;

    private Direction direction;
    private int raisesSeen;
    /** Trials with an index below this were looked at; those not finished then are in {@link #open}. */
    private int trialsSeen;
    private int[] open = new int[64];
    private int openCount;
    private final List<Curve> completed = new ArrayList<>();
    private final Set<Long> completedIds = new HashSet<>();
    private final Map<Double, Sorted> byStep = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Double, Sorted> eldest) {
            return size() > MAX_STEPS;
        }
    };

    private CompletedAverages() {
    }

    static CompletedAverages rebuild(SchedulerContext context) {
        CompletedAverages a = new CompletedAverages();
        a.reset(context);
        return a;
    }

    private void reset(SchedulerContext context) {
        direction = context.objectives().get(0).direction();
        raisesSeen = context.raises().size();
        trialsSeen = 0;
        openCount = 0;
        completed.clear();
        completedIds.clear();
        byStep.clear();
    }

    /** Brings this up to date with the context's trials: looks only at trials not finished when last seen. */
    CompletedAverages catchUp(SchedulerContext context) {
        List<Trial> trials = context.trials();
        if (context.raises().size() != raisesSeen || trials.size() < trialsSeen
                || context.objectives().get(0).direction() != direction) {
            reset(context);
        }
        int kept = 0;
        for (int i = 0; i < openCount; i++) {
            if (!tookIn(trials.get(open[i]))) {
                open[kept++] = open[i];
            }
        }
        openCount = kept;
        for (int i = trialsSeen; i < trials.size(); i++) {
            if (!tookIn(trials.get(i))) {
                if (openCount == open.length) {
                    open = Arrays.copyOf(open, 2 * openCount);
                }
                open[openCount++] = i;
            }
        }
        trialsSeen = trials.size();
        return this;
    }

    /** Takes {@code t} in when it is complete; answers whether it is finished (nothing more to watch). */
    private boolean tookIn(Trial t) {
        if (t.state() != TrialState.COMPLETE) {
            return t.state().isFinished(); // pruned or failed: never complete (short of a raise, which resets)
        }
        if (completedIds.add(t.id())) {
            Curve curve = new Curve(t.id(), t.intermediates(), direction);
            completed.add(curve);
            byStep.forEach((step, sorted) -> sorted.insert(curve.averageAt(step)));
        }
        return true;
    }

    /**
     * The running averages at {@code step} of the completed trials other than {@code excluded} that
     * reported at or before it, smallest loss first.
     */
    Sorted at(double step, long excluded) {
        if (completedIds.contains(excluded)) { // never for a running trial; answered without the cache
            return collect(step, excluded);
        }
        return byStep.computeIfAbsent(step + 0.0, s -> collect(s, excluded));
    }

    private Sorted collect(double step, long excluded) {
        Sorted s = new Sorted(completed.size());
        for (Curve c : completed) {
            if (c.trialId != excluded) {
                s.add(c.averageAt(step));
            }
        }
        s.sort();
        return s;
    }

    /** One completed trial's running average (of losses) at each step it reported. */
    private static final class Curve {
        final long trialId;
        /** The distinct steps reported, ascending. */
        final double[] steps;
        /** The average of the losses reported at or before {@code steps[i]}, summed in report order. */
        final double[] averages;

        Curve(long trialId, List<IntermediateValue> values, Direction direction) {
            this.trialId = trialId;
            double[] all = new double[values.size()];
            boolean inOrder = true;
            for (int i = 0; i < all.length; i++) {
                all[i] = values.get(i).step() + 0.0; // -0.0 is 0.0, as the rule's <= has it
                inOrder &= i == 0 || all[i] >= all[i - 1];
            }
            steps = Arrays.stream(all).sorted().distinct().toArray();
            averages = new double[steps.length];
            if (inOrder) { // the usual case: one pass of prefix sums
                double sum = 0;
                int n = 0, next = 0;
                for (int i = 0; i < all.length; i++) {
                    sum += direction.toLoss(values.get(i).value());
                    n++;
                    if (i + 1 == all.length || all[i + 1] != all[i]) {
                        averages[next++] = sum / n;
                    }
                }
            } else { // steps reported out of order: each step's sum in report order
                for (int k = 0; k < steps.length; k++) {
                    double sum = 0;
                    int n = 0;
                    for (int i = 0; i < all.length; i++) {
                        if (all[i] <= steps[k]) {
                            sum += direction.toLoss(values.get(i).value());
                            n++;
                        }
                    }
                    averages[k] = sum / n;
                }
            }
        }

        /** The running average at {@code step}, or NaN when nothing was reported at or before it. */
        double averageAt(double step) {
            int i = Arrays.binarySearch(steps, step + 0.0);
            int at = i >= 0 ? i : -i - 2; // the last reported step at or before it
            return at < 0 ? Double.NaN : averages[at];
        }
    }

    /** Values kept in ascending order; NaN (no value) is left out. */
    static final class Sorted {
        private double[] values;
        private int size;

        Sorted(int capacity) {
            values = new double[Math.max(8, capacity)];
        }

        void add(double v) {
            if (!Double.isNaN(v)) {
                grow();
                values[size++] = v;
            }
        }

        void sort() {
            Arrays.sort(values, 0, size);
        }

        void insert(double v) {
            if (Double.isNaN(v)) {
                return;
            }
            grow();
            int i = Arrays.binarySearch(values, 0, size, v);
            int at = i >= 0 ? i : -i - 1;
            System.arraycopy(values, at, values, at + 1, size - at);
            values[at] = v;
            size++;
        }

        private void grow() {
            if (size == values.length) {
                values = Arrays.copyOf(values, 2 * size);
            }
        }

        int size() {
            return size;
        }

        /** The p-th percentile, linearly interpolated between neighbours; p = 50 is the median. */
        double percentile(double p) {
            double at = p / 100 * (size - 1);
            int lo = (int) Math.floor(at);
            int hi = Math.min(size - 1, lo + 1);
            return values[lo] + (at - lo) * (values[hi] - values[lo]);
        }
    }
}
