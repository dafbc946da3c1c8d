package io.hypatia.sampler.gp.model;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.random.SobolSequenceGenerator;

/**
 * The candidate configurations that the GP samplers ({@code gp}, {@code mobster}) score with their
 * acquisition function: a space-filling part and a local part around good configurations. Every
 * random draw comes from the caller's stream, in a fixed order, so the candidates are a function of
 * that stream.
 */
public final class Candidates {
    /** Gaussian step sizes (unit cube) of the local candidates, alternating per round over the seeds. */
    private static final double NEAR = 0.02;
    private static final double FAR = 0.1;

    private Candidates() {
    }

    /**
     * {@code total} candidates as feature vectors: a quarter of them (none when {@code seeds} is
     * empty) Gaussian steps around {@code seeds}, alternately of 0.02 and 0.1 per round over the
     * seeds; the rest, first in the list, a Sobol sequence of the per-parameter unit cube (commons-
     * math3; uniform draws above 1,000 parameters) scrambled by one random shift per parameter.
     *
     * @param seeds per-parameter unit-cube coordinates of good configurations (NaN for inactive
     *              parameters), best first; may be empty
     */
    public static List<double[]> sobolAndLocal(SpaceEncoding enc, int total, List<double[]> seeds, SplittableRandom random) {
        int p = enc.parameterCount();
        int local = seeds.isEmpty() ? 0 : total / 4;
        List<double[]> out = new ArrayList<>(total);
        double[] shift = new double[p];
        for (int j = 0; j < p; j++) {
            shift[j] = random.nextDouble();
        }
        SobolSequenceGenerator sobol = p <= 1000 ? new SobolSequenceGenerator(p) : null;
        for (int i = 0; i < total - local; i++) {
            double[] u = sobol != null ? sobol.nextVector() : new double[p];
            for (int j = 0; j < p; j++) {
                double v = sobol != null ? u[j] + shift[j] : random.nextDouble();
                u[j] = v - Math.floor(v);
            }
            out.add(enc.encode(enc.fromUnitCube(u)));
        }
        for (int i = 0; i < local; i++) {
            out.add(perturb(enc, seeds.get(i % seeds.size()), (i / seeds.size()) % 2 == 0 ? NEAR : FAR, random));
        }
        return out;
    }

    /**
     * The feature vector of a Gaussian step of size {@code step} from {@code unit} (per-parameter
     * unit-cube coordinates), reflected at the cube's faces; a categorical parameter is redrawn
     * with probability 1/p, an inactive one (NaN) always.
     */
    public static double[] perturb(SpaceEncoding enc, double[] unit, double step, SplittableRandom random) {
        int p = unit.length;
        double[] u = unit.clone();
        for (int j = 0; j < p; j++) {
            if (Double.isNaN(u[j]) || (enc.isCategorical(j) && random.nextDouble() < 1.0 / p)) {
                u[j] = random.nextDouble();
            } else if (!enc.isCategorical(j)) {
                u[j] = reflect(u[j] + step * MarginalLikelihood.gaussian(random));
            }
        }
        return enc.encode(enc.fromUnitCube(u));
    }

    /** Folds a value back into [0, 1). */
    static double reflect(double v) {
        double m = v - 2 * Math.floor(v / 2); // in [0, 2)
        double r = m <= 1 ? m : 2 - m;
        return Math.min(r, Math.nextDown(1.0));
    }
}
