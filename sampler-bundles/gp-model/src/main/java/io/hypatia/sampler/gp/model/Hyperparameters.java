package io.hypatia.sampler.gp.model;

import java.util.Arrays;

/**
 * Kernel hyper-parameters of a Matérn-5/2 ARD Gaussian process on standardised outputs: one
 * lengthscale per input dimension, the signal variance and the observation-noise variance.
 * Optimisers work on the logarithms ({@link #toLog()}), which keeps every value positive and
 * makes the marginal likelihood much better conditioned (Rasmussen and Williams 2006, 5.4.1).
 */
public record Hyperparameters(double[] lengthscales, double signalVariance, double noiseVariance) {

    public Hyperparameters {
        lengthscales = lengthscales.clone();
    }

    public int dims() {
        return lengthscales.length;
    }

    /** {@code [log l_1, ..., log l_D, log signalVariance, log noiseVariance]}. */
    public double[] toLog() {
        int d = lengthscales.length;
        double[] t = new double[d + 2];
        for (int i = 0; i < d; i++) {
            t[i] = Math.log(lengthscales[i]);
        }
        t[d] = Math.log(signalVariance);
        t[d + 1] = Math.log(noiseVariance);
        return t;
    }

    public static Hyperparameters fromLog(double[] t) {
        int d = t.length - 2;
        double[] ls = new double[d];
        for (int i = 0; i < d; i++) {
            ls[i] = Math.exp(t[i]);
        }
        return new Hyperparameters(ls, Math.exp(t[d]), Math.exp(t[d + 1]));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hyperparameters h && Arrays.equals(h.lengthscales, lengthscales)
                && Double.compare(h.signalVariance, signalVariance) == 0
                && Double.compare(h.noiseVariance, noiseVariance) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(lengthscales) * 31 + Double.hashCode(signalVariance) * 7 + Double.hashCode(noiseVariance);
    }

    @Override
    public String toString() {
        return "Hyperparameters[lengthscales=" + Arrays.toString(lengthscales) + ", signalVariance=" + signalVariance
                + ", noiseVariance=" + noiseVariance + "]";
    }
}
