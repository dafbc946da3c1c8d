package io.hypatia.api.pareto;

import io.hypatia.api.study.Trial;
import java.util.List;

/**
 * Deb's constrained domination (Deb 2000; NSGA-II section VI): a feasible solution beats an
 * infeasible one, of two infeasible ones the smaller total violation wins, and two feasible
 * ones compare by Pareto domination (or, with one objective, by loss).
 *
 * <p>A constraint value {@code c} is satisfied when {@code c <= 0}; its violation is
 * {@code max(0, c)}, and a NaN constraint value counts as an infinite violation.
 */
public final class ConstrainedOrder {
    private ConstrainedOrder() {
    }

    /** Total violation {@code sum(max(0, c))} of constraint values; 0 means feasible; NaN counts as infinite. */
    public static double violation(List<Double> constraints) {
        double total = 0;
        for (Double c : constraints) {
            if (c == null || Double.isNaN(c)) {
                return Double.POSITIVE_INFINITY;
            }
            if (c > 0) {
                total += c;
            }
        }
        return total;
    }

    /** Total violation of a trial's constraint values (0 for a trial without constraints). */
    public static double violation(Trial trial) {
        return violation(trial.constraints());
    }

    /** True when {@code a} constrained-dominates {@code b} given each one's total violation. */
    public static boolean constrainedDominates(double[] a, double violationA, double[] b, double violationB) {
        boolean feasibleA = violationA <= 0, feasibleB = violationB <= 0;
        if (feasibleA && feasibleB) {
            return ParetoRanking.dominates(a, b);
        }
        if (feasibleA) {
            return true;
        }
        if (feasibleB) {
            return false;
        }
        return violationA < violationB;
    }

    /**
     * Single-objective constrained comparison: negative when (lossA, violationA) is better.
     * Feasible first (by loss), then infeasible by total violation, then by loss.
     */
    public static int compare(double lossA, double violationA, double lossB, double violationB) {
        boolean feasibleA = violationA <= 0, feasibleB = violationB <= 0;
        if (feasibleA != feasibleB) {
            return feasibleA ? -1 : 1;
        }
        if (!feasibleA) {
            int c = Double.compare(violationA, violationB);
            if (c != 0) {
                return c;
            }
        }
        return Double.compare(lossA, lossB);
    }
}
