package io.hypatia.api.study;

/** Whether smaller or larger values of an objective are better. */
public enum Direction {
    MINIMIZE, MAXIMIZE;

    /** True when {@code a} is strictly better than {@code b}. */
    public boolean better(double a, double b) {
        return this == MINIMIZE ? a < b : a > b;
    }

    /** The value as a loss (smaller is better): negated for MAXIMIZE. */
    public double toLoss(double value) {
        return this == MINIMIZE ? value : -value;
    }
}
