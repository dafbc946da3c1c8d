package io.hypatia.sampler.gp.model;

import java.util.Arrays;

/** The output transforms the GP samplers apply before fitting: standardisation and a pessimistic prior mean. */
public final class Outputs {
    private Outputs() {
    }

    /**
     * Shifts standardised losses so that the worst is 0: the GP's zero prior mean then sits at the
     * worst loss observed (De Ath, Fieldsend and Everson 2020, "What do you mean? The role of the
     * mean function in Bayesian optimisation", who found this the best constant mean beyond a few
     * dimensions). With the prior mean at the data's average, as plain standardisation gives,
     * the posterior far from every observation (the corners of the box first) looks as good as an
     * average trial with the largest variance, so EI keeps sending trials to unexplored corners
     * (18-22% of Hartmann-6 trials were exact corners); a pessimistic prior mean says "unexplored
     * is no better than the worst seen" and only uncertainty, not the mean, makes it attractive.
     */
    public static double[] centreOnWorst(double[] ys) {
        double worst = Arrays.stream(ys).max().orElse(0);
        double[] out = new double[ys.length];
        for (int i = 0; i < ys.length; i++) {
            out[i] = ys[i] - worst;
        }
        return out;
    }

    /** (v - mean) / sd, with sd 1 for (nearly) constant values. */
    public static double[] standardise(double[] v) {
        double mean = mean(v), sd = sd(v, mean);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (v[i] - mean) / sd;
        }
        return out;
    }

    public static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? 0 : s / v.length;
    }

    /** Standard deviation, 1 when the values are (nearly) constant. */
    public static double sd(double[] v, double mean) {
        double s = 0;
        for (double x : v) {
            s += (x - mean) * (x - mean);
        }
        double sd = v.length < 2 ? 0 : Math.sqrt(s / v.length);
        return sd > 1e-12 * Math.max(1, Math.abs(mean)) ? sd : 1;
    }
}
