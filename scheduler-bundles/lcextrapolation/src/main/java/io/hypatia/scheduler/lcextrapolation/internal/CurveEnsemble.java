package io.hypatia.scheduler.lcextrapolation.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.special.Erf;

/**
 * The ensemble of Domhan et al. (2015) made cheap: every {@link CurveFamily} is fitted by least
 * squares instead of the paper's MCMC over a weighted sum of families. The predicted curve is the
 * Bayesian model average with BIC weights ({@code w_k ~ exp(-BIC_k / 2)}).
 *
 * <p>The probability of reaching a target is deliberately not the BIC-weighted mixture: on a
 * short curve the weights rest on small BIC differences and one family's linearised
 * uncertainty, which is overconfident where the paper's posterior would be broad (several shapes
 * explain six points equally well and disagree at epoch 50). So the ensemble answers with the
 * most optimistic of the <em>plausible</em> families, those within {@link #PLAUSIBLE_BIC} of the
 * best (Kass and Raftery's "strong evidence" bound): a trial is only condemned when no family the
 * data cannot rule out gives it a chance.
 *
 * <p>Curves are fitted as losses turned into an improving score, {@code y = (loss_1 - loss) /
 * scale}, over {@code x = step / unit >= 1}; every family has a free offset and scale, so this
 * normalisation changes nothing but the conditioning.
 */
final class CurveEnsemble {
    /** Families whose BIC is within this of the best one count as plausible. */
    static final double PLAUSIBLE_BIC = 6;
    private final List<CurveFit> fits;
    private final double[] weights;
    private final double minBic;
    private final double firstLoss;
    private final double scale;
    private final double unit;

    private CurveEnsemble(List<CurveFit> fits, double[] weights, double minBic, double firstLoss, double scale, double unit) {
        this.fits = fits;
        this.weights = weights;
        this.minBic = minBic;
        this.firstLoss = firstLoss;
        this.scale = scale;
        this.unit = unit;
    }

    /**
     * Fits every family to the curve (steps ascending, losses as minimised), using at most
     * {@code maxPoints} points spread evenly over the curve (the last always included).
     *
     * @param unit the step that maps to x = 1 (the first step, or the fidelity's minimum)
     * @return the ensemble, or null when no family has enough points
     */
    static CurveEnsemble fit(double[] steps, double[] losses, double unit, int maxPoints) {
        int n = Math.min(steps.length, maxPoints);
        double[] x = new double[n];
        double[] loss = new double[n];
        for (int i = 0; i < n; i++) {
            int src = n == steps.length ? i : (int) Math.round((double) i * (steps.length - 1) / (n - 1));
            x[i] = Math.max(1, steps[src] / unit);
            loss[i] = losses[src];
        }
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double l : loss) {
            lo = Math.min(lo, l);
            hi = Math.max(hi, l);
        }
        double scale = hi > lo ? hi - lo : Math.max(Math.abs(hi), 1.0);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = (loss[0] - loss[i]) / scale;
        }
        List<CurveFit> fits = new ArrayList<>();
        for (CurveFamily family : CurveFamily.values()) {
            CurveFit fit = CurveFit.fit(family, x, y);
            if (fit != null) {
                fits.add(fit);
            }
        }
        if (fits.isEmpty()) {
            return null;
        }
        double minBic = Double.POSITIVE_INFINITY;
        for (CurveFit f : fits) {
            minBic = Math.min(minBic, f.bic());
        }
        double[] w = new double[fits.size()];
        double sum = 0;
        for (int k = 0; k < w.length; k++) {
            w[k] = Math.exp(-(fits.get(k).bic() - minBic) / 2);
            sum += w[k];
        }
        for (int k = 0; k < w.length; k++) {
            w[k] /= sum;
        }
        return new CurveEnsemble(fits, w, minBic, loss[0], scale, unit);
    }

    /** P(loss at {@code step} < {@code loss}): the largest such probability of the plausible families. */
    double probabilityBelow(double step, double loss) {
        double x = Math.max(1, step / unit);
        double yTarget = (firstLoss - loss) / scale;
        double p = 0;
        for (CurveFit f : fits) {
            if (f.bic() - minBic <= PLAUSIBLE_BIC) {
                double z = (f.mean(x) - yTarget) / Math.sqrt(f.variance(x));
                p = Math.max(p, 0.5 * Erf.erfc(-z / Math.sqrt(2)));
            }
        }
        return Math.min(1, p);
    }

    /** The mixture's mean loss at {@code step}. */
    double meanLoss(double step) {
        double x = Math.max(1, step / unit);
        double y = 0;
        for (int k = 0; k < fits.size(); k++) {
            y += weights[k] * fits.get(k).mean(x);
        }
        return firstLoss - y * scale;
    }

    /** The family with the largest weight. */
    String leadingFamily() {
        int best = 0;
        for (int k = 1; k < weights.length; k++) {
            if (weights[k] > weights[best]) {
                best = k;
            }
        }
        return fits.get(best).family().label();
    }

    int families() {
        return fits.size();
    }
}
