package io.hypatia.scheduler.median.internal;

import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.scheduler.SchedulerMemory;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.api.space.Config;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialList;
import io.hypatia.api.study.TrialState;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * CPU time of the median rule's decision with {@code running} trials kept running until the study
 * holds {@code reports} reports (issue: the decision scanned every completed trial's curve): the kept
 * running averages ({@link MedianStoppingScheduler}) and the definition computed from the whole
 * history ({@link PercentileRuleDefinition}) decide every report of one simulated study, in
 * alternating order, timed with the thread's CPU clock; their verdicts must agree. Trials report
 * epochs 1, 2, ... up to {@code maxStep} and complete there unless stopped; each finished trial is
 * replaced. Prints the mean CPU per decision of each per tenth of the run. Not a test; run (from the
 * repository root, after {@code mvn -B -ntp -o -q -pl scheduler-bundles/median -am test-compile}):
 * <pre>
 * java -cp "scheduler-bundles/median/target/test-classes:scheduler-bundles/median/target/classes:scheduler-bundles/support/target/classes:api-bundles/api/target/classes" \
 *     io.hypatia.scheduler.median.internal.MedianDecisionCost 1000 100000 100
 * </pre>
 */
public final class MedianDecisionCost {
    private MedianDecisionCost() {
    }

    public static void main(String[] args) {
        int running = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int reports = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int maxStep = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        MedianStoppingScheduler kept = new MedianStoppingScheduler();
        SchedulerMemory memory = new SchedulerMemory();
        List<Objective> objectives = List.of(new Objective("loss", Direction.MINIMIZE));
        SplittableRandom rnd = new SplittableRandom(42);
        TrialList trials = TrialList.of();
        List<Integer> slots = new ArrayList<>(); // index of the trial each running slot trains
        double[] quality = new double[reports + running + 1]; // at most one new trial per report
        for (int i = 0; i < running; i++) {
            slots.add(trials.size());
            quality[trials.size()] = rnd.nextDouble();
            trials = trials.with(trials.size(), trial(trials.size(), TrialState.RUNNING, List.of()));
        }
        long[] keptNanos = new long[10], definedNanos = new long[10];
        int[] perTenth = new int[10];
        int stops = 0, completes = 0;
        System.out.printf("median rule, %d running trials, %d reports, epochs 1..%d%n", running, reports, maxStep);
        for (int r = 0; r < reports; r++) {
            int slot = rnd.nextInt(running);
            int index = slots.get(slot);
            Trial t = trials.get(index);
            int step = t.intermediates().size() + 1;
            double loss = quality[index] + 1.0 / step + 0.05 * (rnd.nextDouble() - 0.5);
            List<IntermediateValue> curve = new ArrayList<>(t.intermediates());
            curve.add(new IntermediateValue(step, loss));
            Trial reported = trial(index, TrialState.RUNNING, curve);
            trials = trials.with(index, reported);
            TrialList snapshot = trials;
            SchedulerContext context = new SchedulerContext("s", objectives, () -> snapshot, Map.of(), null, null, 0, memory);
            Verdict a, b;
            long t0, t1, t2;
            if ((r & 1) == 0) {
                t0 = cpu.getCurrentThreadCpuTime();
                a = kept.onReport(context, reported);
                t1 = cpu.getCurrentThreadCpuTime();
                b = PercentileRuleDefinition.decide(context, reported, 50, 5, 0);
                t2 = cpu.getCurrentThreadCpuTime();
                keptNanos[10 * r / reports] += t1 - t0;
                definedNanos[10 * r / reports] += t2 - t1;
            } else {
                t0 = cpu.getCurrentThreadCpuTime();
                b = PercentileRuleDefinition.decide(context, reported, 50, 5, 0);
                t1 = cpu.getCurrentThreadCpuTime();
                a = kept.onReport(context, reported);
                t2 = cpu.getCurrentThreadCpuTime();
                definedNanos[10 * r / reports] += t1 - t0;
                keptNanos[10 * r / reports] += t2 - t1;
            }
            perTenth[10 * r / reports]++;
            if (!a.equals(b)) {
                throw new AssertionError("report " + r + ": kept " + a + " but the definition says " + b);
            }
            boolean stopped = a.decision() == Decision.STOP;
            if (stopped || step == maxStep) {
                trials = trials.with(index, trial(index, stopped ? TrialState.PRUNED : TrialState.COMPLETE, curve));
                stops += stopped ? 1 : 0;
                completes += stopped ? 0 : 1;
                int fresh = trials.size();
                quality[fresh] = rnd.nextDouble();
                trials = trials.with(fresh, trial(fresh, TrialState.RUNNING, List.of()));
                slots.set(slot, fresh);
            }
        }
        System.out.println("tenth  kept µs/decision  definition µs/decision  ratio");
        long keptAll = 0, definedAll = 0;
        for (int k = 0; k < 10; k++) {
            keptAll += keptNanos[k];
            definedAll += definedNanos[k];
            System.out.printf("%5d  %19.2f  %22.2f  %5.1f%n", k + 1, keptNanos[k] / 1e3 / perTenth[k], definedNanos[k] / 1e3 / perTenth[k],
                    (double) definedNanos[k] / Math.max(1, keptNanos[k]));
        }
        System.out.printf("all    %19.2f  %22.2f  %5.1f%n", keptAll / 1e3 / reports, definedAll / 1e3 / reports,
                (double) definedAll / Math.max(1, keptAll));
        System.out.printf("%d trials, %d completed, %d stopped; every verdict equal; CPU s: kept %.2f, definition %.2f%n",
                trials.size(), completes, stops, keptAll / 1e9, definedAll / 1e9);
    }

    private static Trial trial(int index, TrialState state, List<IntermediateValue> curve) {
        return new Trial(index + 1, index, state, Config.of(Map.of("x", 0.0)), List.of(), curve, 0, Map.of());
    }
}
