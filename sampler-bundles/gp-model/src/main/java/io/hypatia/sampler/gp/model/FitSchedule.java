package io.hypatia.sampler.gp.model;

/**
 * When the kernel hyper-parameters are refitted. Refitting costs O(restarts x iterations x m^3)
 * on up to {@code max_fit_points} rows, the bulk of an ask beyond a few hundred observations,
 * while one more observation barely moves the marginal-likelihood optimum once there are many.
 * So the fit is redone at every observation up to {@value #EVERY_TRIAL} observations and then at
 * multiples of a step that doubles as the history doubles (2 up to 100, 4 up to 200, ..., 32
 * beyond 800): about 6% of asks refit, and between refits the model conditions on all
 * observations with the last fitted hyper-parameters (its Cholesky factor extended row by row).
 * Beyond {@value #EVERY_TRIAL} observations most refits start from the previous fit's optimum
 * and run a few iterations ({@link #coldStart}), a tenth of the cost of the restarts of a cold fit.
 *
 * <p>The fit point is a function of the observation count alone and the fit sees only the
 * observations before it, so a cold cache (a restarted service, another replica) computes the
 * same hyper-parameters as a warm one.
 */
public final class FitSchedule {
    /** Observations up to which every ask refits. */
    public static final int EVERY_TRIAL = 50;

    private FitSchedule() {
    }

    /** Number of leading observations the hyper-parameters for {@code n} observations are fitted on. */
    public static int fitPoint(int n) {
        int step = step(n);
        return n - n % step;
    }

    /**
     * Whether the fit at fit point {@code m} starts cold (the prior centre and random restarts)
     * rather than from the hyper-parameters of the previous fit point ({@link #previous}): every
     * fit point up to {@value #EVERY_TRIAL}, then {@value #EVERY_TRIAL} x 2^k up to 800 (100, 200,
     * 400, 800) and every 800 beyond, so a chain of warm-started fits spans at most a doubling of
     * the history (or 800 observations) and a cold cache recomputes at most one chain (25 short
     * fits) to reach any fit point.
     */
    public static boolean coldStart(int m) {
        if (m <= EVERY_TRIAL) {
            return true;
        }
        int q = m / EVERY_TRIAL;
        return m % EVERY_TRIAL == 0 && ((q & (q - 1)) == 0 || m % 800 == 0);
    }

    /** The fit point before fit point {@code m} (m > 1): where a warm-started fit at m starts from. */
    public static int previous(int m) {
        return fitPoint(m - 1);
    }

    /** Refit interval at {@code n} observations: 1 below {@value #EVERY_TRIAL}, then doubling with n. */
    public static int step(int n) {
        int step = 1;
        for (int bound = EVERY_TRIAL; n >= bound && step < 32; bound *= 2) {
            step *= 2;
        }
        return step;
    }
}
