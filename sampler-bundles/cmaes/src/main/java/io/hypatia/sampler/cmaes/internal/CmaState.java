package io.hypatia.sampler.cmaes.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The state of one CMA-ES run, following N. Hansen, "The CMA Evolution Strategy: A Tutorial"
 * (arXiv:1604.00772), Table 1 for the default strategy parameters (with negative, "active"
 * recombination weights for the covariance update) and the algorithm summary that follows it:
 * weighted recombination of the mean, cumulative step-size adaptation (CSA) with the evolution
 * path p_sigma, and the rank-one (p_c) plus rank-mu covariance update.
 *
 * <p>Mutable: {@link CmaEsSampler} replays the trial history through {@link #tell} to rebuild it.
 */
final class CmaState {
    // ---- strategy parameters (depend on n and lambda only) ----
    final int n;
    final int lambda;
    final int mu;
    /** Recombination weights w_1..w_lambda: positive for the mu best, negative (active CMA) for the rest. */
    final double[] weights;
    final double muEff;
    final double cSigma;
    final double dSigma;
    final double cC;
    final double c1;
    final double cMu;
    final double chiN;
    final double sigma0;

    // ---- dynamic state ----
    final double[] mean;
    double sigma;
    final double[][] c;
    /** Eigenvectors of C as columns. */
    double[][] b;
    /** Square roots of the eigenvalues of C. */
    double[] d;
    final double[] pSigma;
    final double[] pC;
    /** Generations told in this run. */
    int generation;
    /** IPOP run index (0 for the first run); lambda = lambda0 * 2^run. */
    final int run;
    /** First trial number of the current generation. */
    int startTrial;
    /** Best loss of every generation of this run, oldest first. */
    final List<Double> bestHistory = new ArrayList<>();

    CmaState(int n, int lambda, double sigma0, double[] mean, int run, int startTrial) {
        this.n = n;
        this.lambda = lambda;
        this.sigma0 = sigma0;
        this.run = run;
        this.startTrial = startTrial;
        this.mu = lambda / 2;
        // w'_i = ln((lambda + 1) / 2) - ln i
        double[] raw = new double[lambda];
        for (int i = 0; i < lambda; i++) {
            raw[i] = Math.log((lambda + 1) / 2.0) - Math.log(i + 1);
        }
        double sumPos = 0, sumPosSq = 0, sumNeg = 0, sumNegSq = 0;
        for (int i = 0; i < lambda; i++) {
            if (i < mu) {
                sumPos += raw[i];
                sumPosSq += raw[i] * raw[i];
            } else {
                sumNeg += raw[i];
                sumNegSq += raw[i] * raw[i];
            }
        }
        this.muEff = sumPos * sumPos / sumPosSq;
        double muEffMinus = sumNegSq == 0 ? 0 : sumNeg * sumNeg / sumNegSq;
        double alphaCov = 2;
        this.c1 = alphaCov / ((n + 1.3) * (n + 1.3) + muEff);
        this.cMu = Math.min(1 - c1, alphaCov * (muEff - 2 + 1 / muEff) / ((n + 2) * (n + 2) + alphaCov * muEff / 2));
        this.cC = (4 + muEff / n) / (n + 4 + 2 * muEff / n);
        this.cSigma = (muEff + 2) / (n + muEff + 5);
        this.dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
        this.chiN = Math.sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21.0 * n * n));
        double alphaMuMinus = 1 + c1 / cMu;
        double alphaMuEffMinus = 1 + 2 * muEffMinus / (muEff + 2);
        double alphaPosDefMinus = (1 - c1 - cMu) / (n * cMu);
        double negScale = Math.min(alphaMuMinus, Math.min(alphaMuEffMinus, alphaPosDefMinus));
        this.weights = new double[lambda];
        for (int i = 0; i < lambda; i++) {
            weights[i] = raw[i] >= 0 ? raw[i] / sumPos : negScale * raw[i] / -sumNeg;
        }
        this.mean = mean.clone();
        this.sigma = sigma0;
        this.c = identity(n);
        this.b = identity(n);
        this.d = new double[n];
        Arrays.fill(d, 1);
        this.pSigma = new double[n];
        this.pC = new double[n];
    }

    /** A deep copy (for the history cache). */
    CmaState copy() {
        CmaState o = new CmaState(n, lambda, sigma0, mean, run, startTrial);
        o.sigma = sigma;
        for (int i = 0; i < n; i++) {
            o.c[i] = c[i].clone();
        }
        o.b = new double[n][];
        for (int i = 0; i < n; i++) {
            o.b[i] = b[i].clone();
        }
        o.d = d.clone();
        System.arraycopy(pSigma, 0, o.pSigma, 0, n);
        System.arraycopy(pC, 0, o.pC, 0, n);
        o.generation = generation;
        o.bestHistory.addAll(bestHistory);
        return o;
    }

    private static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    /**
     * Draws x = m + sigma B D z with z ~ N(0, I) from {@code random}, redrawing z up to 100 times
     * until x lies in the unit cube and clipping it to the cube after that.
     */
    double[] sample(SplittableRandom random) {
        double[] x = new double[n];
        double[] z = new double[n];
        for (int attempt = 0; attempt < 100; attempt++) {
            for (int i = 0; i < n; i++) {
                z[i] = random.nextGaussian();
            }
            boolean inside = true;
            for (int i = 0; i < n; i++) {
                double y = 0;
                for (int k = 0; k < n; k++) {
                    y += b[i][k] * d[k] * z[k];
                }
                x[i] = mean[i] + sigma * y;
                inside &= x[i] >= 0 && x[i] <= 1;
            }
            if (inside) {
                return x;
            }
        }
        for (int i = 0; i < n; i++) {
            x[i] = Math.min(1, Math.max(0, x[i]));
        }
        return x;
    }

    /** C^{-1/2} v = B D^{-1} B^T v. */
    double[] invSqrtC(double[] v) {
        double[] t = new double[n];
        for (int k = 0; k < n; k++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += b[i][k] * v[i];
            }
            t[k] = s / d[k];
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < n; k++) {
                s += b[i][k] * t[k];
            }
            out[i] = s;
        }
        return out;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /**
     * One generation's update from its lambda solutions, best first.
     *
     * @param ranked   the solutions x_{i:lambda} in the unit cube, best first
     * @param injected whether a solution was not drawn from this generation's distribution (a
     *                 fallback or hand-enqueued configuration): its step y is then clipped to
     *                 Mahalanobis norm sqrt(n) + 2n/(n+2) (Hansen 2011, "Injecting external
     *                 solutions into CMA-ES")
     */
    void tell(double[][] ranked, boolean[] injected) {
        double[][] y = new double[lambda][];
        double[][] zInv = new double[lambda][];
        double clip = Math.sqrt(n) + 2.0 * n / (n + 2);
        for (int i = 0; i < lambda; i++) {
            y[i] = new double[n];
            for (int j = 0; j < n; j++) {
                y[i][j] = (ranked[i][j] - mean[j]) / sigma;
            }
            zInv[i] = invSqrtC(y[i]);
            double mahalanobis = norm(zInv[i]);
            if (injected[i] && mahalanobis > clip) {
                double f = clip / mahalanobis;
                for (int j = 0; j < n; j++) {
                    y[i][j] *= f;
                    zInv[i][j] *= f;
                }
            }
        }
        // selection and recombination: <y>_w over the mu best
        double[] yw = new double[n];
        for (int i = 0; i < mu; i++) {
            for (int j = 0; j < n; j++) {
                yw[j] += weights[i] * y[i][j];
            }
        }
        for (int j = 0; j < n; j++) {
            mean[j] += sigma * yw[j]; // c_m = 1
        }
        // step-size control
        double[] zw = invSqrtC(yw);
        double ps = Math.sqrt(cSigma * (2 - cSigma) * muEff);
        for (int j = 0; j < n; j++) {
            pSigma[j] = (1 - cSigma) * pSigma[j] + ps * zw[j];
        }
        double pSigmaNorm = norm(pSigma);
        generation++;
        boolean hSigma = pSigmaNorm / Math.sqrt(1 - Math.pow(1 - cSigma, 2.0 * generation)) < (1.4 + 2.0 / (n + 1)) * chiN;
        // covariance matrix adaptation
        double pc = hSigma ? Math.sqrt(cC * (2 - cC) * muEff) : 0;
        for (int j = 0; j < n; j++) {
            pC[j] = (1 - cC) * pC[j] + pc * yw[j];
        }
        double sumW = 0;
        double[] wCirc = new double[lambda];
        for (int i = 0; i < lambda; i++) {
            sumW += weights[i];
            if (weights[i] >= 0) {
                wCirc[i] = weights[i];
            } else {
                double sq = norm(zInv[i]);
                sq *= sq;
                wCirc[i] = sq > 0 ? weights[i] * n / sq : 0;
            }
        }
        double delta = hSigma ? 0 : cC * (2 - cC);
        double keep = 1 + c1 * delta - c1 - cMu * sumW;
        for (int r = 0; r < n; r++) {
            for (int s = 0; s <= r; s++) {
                double rankMu = 0;
                for (int i = 0; i < lambda; i++) {
                    rankMu += wCirc[i] * y[i][r] * y[i][s];
                }
                double v = keep * c[r][s] + c1 * pC[r] * pC[s] + cMu * rankMu;
                c[r][s] = v;
                c[s][r] = v;
            }
        }
        sigma *= Math.exp(Math.min(1, (cSigma / dSigma) * (pSigmaNorm / chiN - 1)));
        decompose();
    }

    private void decompose() {
        SymmetricEigen eigen = SymmetricEigen.of(c);
        double max = 0;
        for (double v : eigen.values) {
            max = Math.max(max, v);
        }
        double floor = Math.max(max, 1e-300) * 1e-20;
        double[] values = eigen.values.clone();
        boolean repaired = false;
        for (int k = 0; k < n; k++) {
            if (!(values[k] >= floor)) {
                values[k] = floor;
                repaired = true;
            }
        }
        b = eigen.vectors;
        d = new double[n];
        for (int k = 0; k < n; k++) {
            d[k] = Math.sqrt(values[k]);
        }
        if (repaired) {
            // rebuild C from the repaired spectrum so that C stays positive definite
            for (int r = 0; r < n; r++) {
                for (int s = 0; s < n; s++) {
                    double v = 0;
                    for (int k = 0; k < n; k++) {
                        v += b[r][k] * values[k] * b[s][k];
                    }
                    c[r][s] = v;
                }
            }
        }
    }

    /**
     * Hansen's termination criteria (tutorial, appendix B.3) that call for an IPOP restart, given
     * the losses of the generation just told: TolFun (best losses of the last 10 + ceil(30 n /
     * lambda) generations and the current losses span less than 1e-12), TolX (every standard
     * deviation and p_c component below 1e-12 sigma0), NoEffectAxis, NoEffectCoord, ConditionCov
     * (condition number of C above 1e14), TolUpSigma (the distribution has grown to more than 100
     * times the unit cube, i.e. the search is blind) and, for discrete spaces, a generation whose
     * solutions all decoded to the same configuration.
     *
     * @return the name of the criterion that holds, or null
     */
    String stopCriterion(double[] generationLosses, boolean allSameConfig) {
        if (allSameConfig) {
            return "EqualConfigurations";
        }
        int window = 10 + (int) Math.ceil(30.0 * n / lambda);
        if (bestHistory.size() >= window && generationLosses.length > 0) {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (int i = bestHistory.size() - window; i < bestHistory.size(); i++) {
                lo = Math.min(lo, bestHistory.get(i));
                hi = Math.max(hi, bestHistory.get(i));
            }
            for (double f : generationLosses) {
                lo = Math.min(lo, f);
                hi = Math.max(hi, f);
            }
            if (hi - lo < 1e-12) {
                return "TolFun";
            }
        }
        boolean tolX = true;
        for (int i = 0; i < n; i++) {
            tolX &= sigma * Math.sqrt(c[i][i]) < 1e-12 * sigma0 && sigma * Math.abs(pC[i]) < 1e-12 * sigma0;
        }
        if (tolX) {
            return "TolX";
        }
        int axis = generation % n;
        boolean noEffectAxis = true;
        for (int i = 0; i < n; i++) {
            noEffectAxis &= mean[i] + 0.1 * sigma * d[axis] * b[i][axis] == mean[i];
        }
        if (noEffectAxis) {
            return "NoEffectAxis";
        }
        for (int i = 0; i < n; i++) {
            if (mean[i] + 0.2 * sigma * Math.sqrt(c[i][i]) == mean[i]) {
                return "NoEffectCoord";
            }
        }
        double maxD = 0, minD = Double.POSITIVE_INFINITY;
        for (double v : d) {
            maxD = Math.max(maxD, v);
            minD = Math.min(minD, v);
        }
        if (maxD * maxD > 1e14 * minD * minD) {
            return "ConditionCov";
        }
        if (sigma * maxD > 100) {
            return "TolUpSigma";
        }
        return null;
    }
}
