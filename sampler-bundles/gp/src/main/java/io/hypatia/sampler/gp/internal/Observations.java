package io.hypatia.sampler.gp.internal;

import io.hypatia.sampler.gp.model.SpaceEncoding;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The part of a study's history the GP uses, encoded:
 * <ul>
 * <li>observations: COMPLETE trials with one finite value per objective, as feature vectors and
 * a loss (the value through {@code Direction.toLoss}); with several objectives the losses are
 * normalised to [0, 1] and scalarised by an augmented Chebyshev function with weights drawn
 * for this trial (ParEGO, Knowles 2006);</li>
 * <li>constraint values of those trials (NaN where a trial did not report one) and
 * {@link Trial#isFeasible()};</li>
 * <li>pending points: WAITING, RUNNING and PAUSED trials, which have a configuration but no
 * final value yet.</li>
 * </ul>
 * PRUNED and FAILED trials are not used.
 */
final class Observations {
    final int d;
    final int n;
    final double[] x;
    final double[] loss;
    final boolean[] feasible;
    final List<Config> configs;
    /** constraints[j][i]: constraint j of observation i, NaN when missing. */
    final double[][] constraints;
    final int pendingCount;
    final double[] pending;
    /** Whether {@link #loss} is a ParEGO scalarisation of several objectives, new with every ask. */
    final boolean scalarised;

    private Observations(int d, List<double[]> xs, double[] loss, boolean[] feasible, List<Config> configs,
                         double[][] constraints, List<double[]> pendingXs, boolean scalarised) {
        this.d = d;
        this.n = loss.length;
        this.x = flatten(xs, d);
        this.loss = loss;
        this.feasible = feasible;
        this.configs = List.copyOf(configs);
        this.constraints = constraints;
        this.pendingCount = pendingXs.size();
        this.pending = flatten(pendingXs, d);
        this.scalarised = scalarised;
    }

    static Observations from(SamplerContext ctx, SpaceEncoding enc, SplittableRandom random) {
        List<Objective> objectives = ctx.objectives();
        int k = Math.max(1, objectives.size());
        List<double[]> xs = new ArrayList<>();
        List<double[]> losses = new ArrayList<>();
        List<Trial> used = new ArrayList<>();
        List<double[]> pending = new ArrayList<>();
        int m = 0;
        for (Trial t : ctx.trials()) {
            if (t.state() == TrialState.COMPLETE) {
                if (t.values().size() != k) {
                    continue;
                }
                double[] l = new double[k];
                boolean finite = true;
                for (int j = 0; j < k; j++) {
                    double v = t.values().get(j);
                    l[j] = objectives.isEmpty() ? v : objectives.get(j).direction().toLoss(v);
                    finite &= Double.isFinite(l[j]);
                }
                if (!finite) {
                    continue;
                }
                xs.add(enc.encode(t.config()));
                losses.add(l);
                used.add(t);
                m = Math.max(m, t.constraints().size());
            } else if (t.state() == TrialState.RUNNING || t.state() == TrialState.WAITING
                    || t.state() == TrialState.PAUSED) {
                pending.add(enc.encode(t.config()));
            }
        }
        int n = used.size();
        double[] loss = k == 1 ? losses.stream().mapToDouble(l -> l[0]).toArray() : scalarise(losses, k, random);
        boolean[] feasible = new boolean[n];
        double[][] cons = new double[m][n];
        List<Config> configs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Trial t = used.get(i);
            feasible[i] = t.isFeasible();
            configs.add(t.config());
            for (int j = 0; j < m; j++) {
                double c = j < t.constraints().size() ? t.constraints().get(j) : Double.NaN;
                cons[j][i] = Double.isFinite(c) ? c : Double.NaN;
            }
        }
        return new Observations(enc.dims(), xs, loss, feasible, configs, cons, pending, k > 1);
    }

    /** ParEGO's augmented Chebyshev scalarisation with random simplex weights. */
    private static double[] scalarise(List<double[]> losses, int k, SplittableRandom random) {
        double[] w = new double[k];
        double sum = 0;
        for (int j = 0; j < k; j++) {
            w[j] = -Math.log(1 - random.nextDouble());
            sum += w[j];
        }
        for (int j = 0; j < k; j++) {
            w[j] /= sum;
        }
        double[] lo = new double[k], hi = new double[k];
        Arrays.fill(lo, Double.POSITIVE_INFINITY);
        Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (double[] l : losses) {
            for (int j = 0; j < k; j++) {
                lo[j] = Math.min(lo[j], l[j]);
                hi[j] = Math.max(hi[j], l[j]);
            }
        }
        double[] out = new double[losses.size()];
        for (int i = 0; i < out.length; i++) {
            double max = Double.NEGATIVE_INFINITY, lin = 0;
            for (int j = 0; j < k; j++) {
                double range = hi[j] - lo[j];
                double f = range > 0 ? (losses.get(i)[j] - lo[j]) / range : 0;
                max = Math.max(max, w[j] * f);
                lin += w[j] * f;
            }
            out[i] = max + 0.05 * lin;
        }
        return out;
    }

    int constraintCount() {
        return constraints.length;
    }

    private static double[] flatten(List<double[]> rows, int d) {
        double[] out = new double[rows.size() * d];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, out, i * d, d);
        }
        return out;
    }
}
