package io.hypatia.sampler.tpe.internal;

import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.pareto.ConstrainedOrder;
import io.hypatia.sampler.support.Losses;
import java.util.ArrayList;
import java.util.List;

/**
 * The trial history as TPE uses it, rebuilt from the context on every call. Observations are
 * numbered 0..size-1 and fall into three kinds:
 * <ul>
 *   <li><b>complete</b>: COMPLETE with one finite value per objective; they carry a loss vector
 *       (every objective minimised) and a total constraint violation (0 = feasible);</li>
 *   <li><b>partial</b>: PRUNED or PAUSED; they carry the last intermediate value (as a loss of the
 *       first objective) and the step it was reported at;</li>
 *   <li><b>pending</b>: RUNNING or WAITING, kept only for the constant liar.</li>
 * </ul>
 * FAILED trials and COMPLETE ones with missing or non-finite values are left out.
 * Coded parameter values are stored per dimension ({@code x[d][obs]}, NaN when inactive) so the
 * kernels can run over contiguous arrays.
 */
final class History {
    final double[][] x;
    final int[] number;
    final int[] complete;
    final int[] partial;
    final int[] pending;
    /** Loss vectors of complete observations (null for the other kinds). */
    final double[][] losses;
    /** Total constraint violation of complete observations (0 for the other kinds). */
    final double[] violation;
    /** Last intermediate step and loss of partial observations (-inf / +inf when none was reported). */
    final double[] partialStep;
    final double[] partialLoss;
    /** True when some complete observation told constraint values. */
    final boolean constrained;

    private History(int dims, int size, int nComplete, int nPartial, int nPending, boolean constrained) {
        this.x = new double[dims][size];
        this.number = new int[size];
        this.complete = new int[nComplete];
        this.partial = new int[nPartial];
        this.pending = new int[nPending];
        this.losses = new double[size][];
        this.violation = new double[size];
        this.partialStep = new double[size];
        this.partialLoss = new double[size];
        this.constrained = constrained;
    }

    static History of(SamplerContext ctx, SpaceCoding coding, boolean keepPending) {
        List<Objective> objectives = ctx.objectives();
        List<Trial> trials = ctx.trials();
        List<Trial> kept = new ArrayList<>(trials.size());
        List<double[]> keptLosses = new ArrayList<>(trials.size());
        int nComplete = 0, nPartial = 0, nPending = 0;
        boolean constrained = false;
        for (Trial t : trials) {
            double[] loss = null;
            switch (t.state()) {
                case COMPLETE -> {
                    loss = Losses.of(t, objectives);
                    if (loss == null) {
                        continue;
                    }
                    nComplete++;
                    constrained |= !t.constraints().isEmpty();
                }
                case PRUNED, PAUSED -> nPartial++;
                case RUNNING, WAITING -> {
                    if (!keepPending) {
                        continue;
                    }
                    nPending++;
                }
                default -> {
                    continue;
                }
            }
            kept.add(t);
            keptLosses.add(loss);
        }
        int dims = coding.dimension();
        History h = new History(dims, kept.size(), nComplete, nPartial, nPending, constrained);
        int ic = 0, ip = 0, iq = 0;
        for (int o = 0; o < kept.size(); o++) {
            Trial t = kept.get(o);
            h.number[o] = t.number();
            Config config = t.config();
            for (int d = 0; d < dims; d++) {
                h.x[d][o] = config == null ? Double.NaN : coding.encode(d, config.get(coding.name(d)));
            }
            switch (t.state()) {
                case COMPLETE -> {
                    h.complete[ic++] = o;
                    h.losses[o] = keptLosses.get(o);
                    h.violation[o] = ConstrainedOrder.violation(t);
                }
                case PRUNED, PAUSED -> {
                    h.partial[ip++] = o;
                    IntermediateValue last = t.lastIntermediate();
                    if (last != null && Double.isFinite(last.value()) && !objectives.isEmpty()) {
                        h.partialStep[o] = last.step();
                        h.partialLoss[o] = objectives.get(0).direction().toLoss(last.value());
                    } else {
                        h.partialStep[o] = Double.NEGATIVE_INFINITY;
                        h.partialLoss[o] = Double.POSITIVE_INFINITY;
                    }
                }
                default -> h.pending[iq++] = o;
            }
        }
        return h;
    }

    int size() {
        return number.length;
    }

    /** Trials that count towards start-up and gamma: complete and partial ones. */
    int finished() {
        return complete.length + partial.length;
    }

    int objectives() {
        return complete.length == 0 ? 1 : losses[complete[0]].length;
    }
}
