package io.hypatia.sampler.gp.internal;

import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Trial;
import io.hypatia.benchmark.synthetic.internal.SyntheticSuite;
import io.hypatia.sampler.gp.model.GaussianProcess;
import io.hypatia.sampler.gp.model.ModelCache;
import io.hypatia.sampler.gp.model.SpaceEncoding;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Why the GP stalls near an optimum (docs/bench/SAMPLERS.md, "Seventh round"): runs one study as
 * {@link GpBoundStudy} does ({@link StudyLoop.OnBenchmark}: same instance, seed and history, so the same
 * trials) and prints, at 100, 200 and the last trial, the objective model's fitted noise, signal and
 * lengthscales, the Yeo-Johnson exponent, the best standardised outputs, and the posterior mean and
 * sd around the best point; at the end, how many trials after the 100th landed within 1e-3 of the
 * incumbent.
 * <pre>java -cp target/classes:target/test-classes:... io.hypatia.sampler.gp.internal.FloorDiag branin 1 300 [key=value ...]</pre>
 * (key=value: sampler settings, e.g. {@code noise_floor=1e-10}).
 */
final class FloorDiag {
    private FloorDiag() {
    }

    public static void main(String[] a) {
        String function = a[0];
        int seed = Integer.parseInt(a[1]), trials = Integer.parseInt(a[2]);
        Map<String, String> config = new HashMap<>();
        for (int k = 3; k < a.length; k++) {
            String[] kv = a[k].split("=", 2);
            config.put(kv[0], kv[1]);
        }
        var b = SyntheticSuite.get(function).instance(seed);
        SearchSpace space = b.space();
        double optimum = b.optimalValue().orElseThrow();
        SpaceEncoding enc = new SpaceEncoding(space);
        StudyLoop.OnBenchmark study = new StudyLoop.OnBenchmark(b, seed, config);
        double best = Double.POSITIVE_INFINITY;
        double[] bestU = null;
        int near = 0;
        double sumDist = 0;
        for (int i = 0; i < trials; i++) {
            if (i == 100 || i == 200 || i == trials - 1) {
                report(i, space, enc, study.trials, seed, config, optimum);
            }
            double v = study.next();
            double[] u = enc.toUnitCube(study.last());
            if (bestU != null && i >= 100) {
                double dist = 0;
                for (int j = 0; j < u.length; j++) {
                    dist = Math.max(dist, Math.abs(u[j] - bestU[j]));
                }
                sumDist += Math.log10(Math.max(dist, 1e-16));
                near += dist < 1e-3 ? 1 : 0;
            }
            if (v < best) {
                best = v;
                bestU = u;
                if (i >= 50) {
                    System.out.printf(Locale.ROOT, "trial %d improves: regret %.3g%n", i + 1, best - optimum);
                }
            }
        }
        System.out.printf(Locale.ROOT, "trials 101..%d: %d within 1e-3 (inf-norm, unit cube) of the incumbent, geometric mean distance %.2g; final regret %.3g%n",
                trials, near, Math.pow(10, sumDist / Math.max(1, trials - 100)), best - optimum);
    }

    static void report(int n, SearchSpace space, SpaceEncoding enc, List<Trial> history, int seed, Map<String, String> config, double optimum) {
        var ctx = StudyLoop.context(space, history, seed, config);
        GpSettings settings = GpSettings.parse(config);
        Observations obs = Observations.from(ctx, enc, new SplittableRandom(1));
        Surrogates s = Surrogates.fit(obs, settings, seed, new ModelCache());
        GaussianProcess gp = s.objective;
        double[] ys = s.standardisedLoss;
        Integer[] order = new Integer[ys.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble(i -> ys[i]));
        int bi = order[0];
        double[] xb = Arrays.copyOfRange(obs.x, bi * obs.d, (bi + 1) * obs.d);
        double[] out = new double[2];
        gp.predict(xb, out);
        double lambda = settings.warpOutputs() ? YeoJohnson.fitLambda(Surrogates.standardise(obs.loss)) : 1;
        System.out.printf(Locale.ROOT, "n=%d: hyper noise %.3g signal %.3g lengthscales %s; lambda %.3f%n", n,
                gp.hyper.noiseVariance(), gp.hyper.signalVariance(), Arrays.toString(Arrays.stream(gp.hyper.lengthscales()).map(l -> Math.round(l * 1e4) / 1e4).toArray()), lambda);
        System.out.printf(Locale.ROOT, "   best 5 standardised outputs (regret): ");
        for (int k = 0; k < 5; k++) {
            System.out.printf(Locale.ROOT, "%.6g (%.2g)  ", ys[order[k]], obs.loss[order[k]] - optimum);
        }
        System.out.printf(Locale.ROOT, "%n   at the incumbent: posterior mean %.6g (observed %.6g), latent sd %.3g, noise sd %.3g; gap best-5th %.3g%n",
                out[0], ys[bi], Math.sqrt(out[1]), Math.sqrt(gp.hyper.noiseVariance()), ys[order[4]] - ys[bi]);
        // how much the model's mean varies within 1e-3 and 1e-2 of the incumbent
        SplittableRandom r = new SplittableRandom(7);
        for (double h : new double[] {1e-4, 1e-3, 1e-2}) {
            double lo = Double.POSITIVE_INFINITY;
            double sdAt = 0;
            for (int t = 0; t < 200; t++) {
                double[] x = xb.clone();
                for (int j = 0; j < x.length; j++) x[j] = Math.min(1, Math.max(0, x[j] + h * (2 * r.nextDouble() - 1)));
                gp.predict(x, out);
                lo = Math.min(lo, out[0]);
                sdAt += Math.sqrt(out[1]) / 200;
            }
            System.out.printf(Locale.ROOT, "   box +-%g around it: lowest posterior mean %.6g (%.3g below incumbent), mean latent sd %.3g%n", h, lo, ys[bi] - lo, sdAt);
        }
    }
}
