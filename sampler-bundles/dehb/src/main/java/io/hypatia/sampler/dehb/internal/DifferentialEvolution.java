package io.hypatia.sampler.dehb.internal;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The rand/1/bin step of differential evolution (Storn and Price 1997) in the unit cube, as DEHB
 * uses it: mutant {@code v = x_r1 + F (x_r2 - x_r3)} from three distinct parents, coordinates
 * outside [0, 1] redrawn uniformly (DEHB's boundary fix), then binomial crossover with the
 * target: each coordinate from the mutant with probability {@code CR}, one chosen coordinate
 * always. NaN (inactive) coordinates are redrawn uniformly too.
 */
final class DifferentialEvolution {
    private DifferentialEvolution() {
    }

    static double[] mutant(List<double[]> parents, double f, SplittableRandom random) {
        int n = parents.size();
        if (n < 3) {
            throw new IllegalArgumentException("rand/1 needs three parents, got " + n);
        }
        int r1 = random.nextInt(n);
        int r2;
        do {
            r2 = random.nextInt(n);
        } while (r2 == r1);
        int r3;
        do {
            r3 = random.nextInt(n);
        } while (r3 == r1 || r3 == r2);
        double[] a = parents.get(r1), b = parents.get(r2), c = parents.get(r3);
        double[] v = new double[a.length];
        for (int j = 0; j < v.length; j++) {
            v[j] = a[j] + f * (b[j] - c[j]);
            if (!(v[j] >= 0 && v[j] <= 1)) {
                v[j] = random.nextDouble();
            }
        }
        return v;
    }

    static double[] binomialCrossover(double[] target, double[] mutant, double cr, SplittableRandom random) {
        double[] trial = new double[target.length];
        int always = random.nextInt(target.length);
        for (int j = 0; j < trial.length; j++) {
            trial[j] = j == always || random.nextDouble() < cr ? mutant[j] : target[j];
            if (Double.isNaN(trial[j])) {
                trial[j] = random.nextDouble();
            }
        }
        return trial;
    }
}
