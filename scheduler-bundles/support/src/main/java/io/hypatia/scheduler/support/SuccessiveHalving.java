package io.hypatia.scheduler.support;

import io.hypatia.api.Setting;
import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.scheduler.Continuation;
import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.MaxResourceRaise;
import io.hypatia.api.scheduler.Promotion;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.IntUnaryOperator;

/**
 * Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter
 * Tuning", MLSys 2020) in one or more brackets; with several brackets it is asynchronous
 * Hyperband. Bracket {@code b} has the rung levels {@code r_min * eta^(b+k)} below the max
 * resource, then the max resource itself; a trial belongs to one bracket for life.
 *
 * <p>This object is a study's scheduler memory: rungs are kept incrementally on every report, and
 * {@link #rebuild} builds the same rungs from the trials (values at rung levels from the current
 * attempts' intermediate values; a trial counts as promoted past a rung when its budget is above
 * the rung's level; it waits in a rung when it is PAUSED there).
 */
public final class SuccessiveHalving {

    /** Stopping: continue iff in the top 1/eta of the rung so far. Promotion: pause at each rung. */
    public enum Type { STOPPING, PROMOTION }

    /** SchedulerSettings shared by ASHA and asynchronous Hyperband. */
    /**
     * @param topK when positive, a rung promotes its best {@code topK} trials instead of its top
     *             1/eta, and the rungs are just {@code minResource} and {@code maxResource}
     *             (the one-epoch baseline)
     */
    public record Options(Type type, double minResource, double eta, double maxResource, double fidelityMax, int topK) {
        public static final String TYPE = "type", MIN_RESOURCE = "min_resource", GRACE_PERIOD = "grace_period",
                REDUCTION_FACTOR = "reduction_factor", ETA = "eta", MAX_RESOURCE = "max_resource";
        /** The settings {@link #read} understands. */
        public static final List<Setting> DECLARED = List.of(
                Setting.choice(TYPE, "promotion", List.of("stopping", "promotion"),
                        "promotion: pause at each rung and promote the best; stopping: stop trials outside the top 1/eta"),
                Setting.real(MIN_RESOURCE, 1, Double.MIN_VALUE, Double.MAX_VALUE,
                        "first rung level (grace period); default: the fidelity's min").withoutDefault(),
                Setting.real(GRACE_PERIOD, 1, Double.MIN_VALUE, Double.MAX_VALUE, "another name for min_resource").withoutDefault(),
                Setting.real(REDUCTION_FACTOR, 3, Math.nextUp(1.0), 1000, "eta: keep the top 1/eta of each rung"),
                Setting.real(ETA, 3, Math.nextUp(1.0), 1000, "another name for reduction_factor").withoutDefault(),
                Setting.real(MAX_RESOURCE, 1, Double.MIN_VALUE, Double.MAX_VALUE,
                        "last rung level; default: the fidelity's max").withoutDefault());

        /** Reads and checks the settings against the study's fidelity. */
        public static Options read(SchedulerSettings settings, Fidelity fidelity) {
            Type type = Type.valueOf(settings.choice(TYPE, "promotion", "stopping", "promotion").toUpperCase(java.util.Locale.ROOT));
            String minKey = settings.either(MIN_RESOURCE, GRACE_PERIOD);
            double min = settings.real(minKey, fidelity.min(), fidelity.min(), fidelity.max());
            double eta = settings.real(settings.either(REDUCTION_FACTOR, ETA), 3, Math.nextUp(1.0), 1000);
            double max = settings.real(MAX_RESOURCE, fidelity.max(), fidelity.min(), fidelity.max());
            if (max < min) {
                throw settings.bad(MAX_RESOURCE, Texts.number(max) + " is below " + minKey + " (" + Texts.number(min) + ")");
            }
            return new Options(type, min, eta, max, fidelity.max(), 0);
        }

        /** The rung levels of the most aggressive bracket: r_min * eta^k below the max resource, then the max. */
        public double[] levels() {
            if (topK > 0) {
                return minResource < maxResource ? new double[] {minResource, maxResource} : new double[] {maxResource};
            }
            List<Double> out = new ArrayList<>();
            for (double r = minResource; r < maxResource * (1 - 1e-9); r *= eta) {
                out.add(r);
            }
            out.add(maxResource);
            return out.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    /** One bracket: its rung levels (the last one is the max resource) and their rungs. */
    private record Bracket(int index, Rung[] rungs) {
        int top() {
            return rungs.length - 1;
        }

        double level(int k) {
            return rungs[k].level();
        }
    }

    private final Options options;
    private final Direction direction;
    /** Rung levels of the most aggressive bracket, after every raise of the max resource. */
    private final double[] levels;
    /** The bracket draw of the trials created between two raises, oldest first. */
    private final List<Era> eras;
    private final Bracket[] brackets;
    private final Map<Integer, Integer> bracketOf = new HashMap<>();

    /**
     * The trials numbered from {@code firstTrialNumber} (up to the next era's) were created when
     * the rung levels were the first {@code levelCount} of {@link #levels}; each joined a bracket
     * with {@code probabilities}.
     */
    private record Era(int firstTrialNumber, int levelCount, double[] probabilities) {
    }

    /**
     * @param brackets how many brackets, from the most aggressive (1 for ASHA); at most the number
     *                 of rung levels
     */
    public SuccessiveHalving(Options options, Direction direction, int brackets) {
        this(options, direction, List.of(), levelCount -> brackets);
    }

    /**
     * Successive halving in a study whose max resource was raised while it ran (Iterative
     * Deepening Hyperband, Brandt et al. 2023). Each raise keeps the rung levels there were and
     * adds {@code top * eta^k} below the new max, then the new max (ASHA's one bracket grows new
     * top rungs, asynchronous Hyperband's brackets each grow and a new least aggressive one is
     * added); trials keep the bracket they were drawn into, with the probabilities of the
     * brackets there were when they were created.
     *
     * @param base        the options the study was created with (its original max resource)
     * @param raises      the raises of the max resource, oldest first
     * @param bracketsFor how many brackets there are for a given number of rung levels
     */
    public SuccessiveHalving(Options base, Direction direction, List<MaxResourceRaise> raises, IntUnaryOperator bracketsFor) {
        this.direction = direction;
        List<Double> all = new ArrayList<>();
        for (double level : base.levels()) {
            all.add(level);
        }
        List<Era> eraList = new ArrayList<>();
        eraList.add(era(0, all.size(), bracketsFor, base.eta()));
        for (MaxResourceRaise raise : raises) {
            double top = all.get(all.size() - 1);
            if (!(raise.max() > top)) {
                continue; // a raise of the fidelity below a smaller configured max_resource changes no rung
            }
            if (base.topK() <= 0) {
                for (double r = top * base.eta(); r < raise.max() * (1 - 1e-9); r *= base.eta()) {
                    all.add(r);
                }
            }
            all.add(raise.max());
            eraList.add(era(raise.firstTrialNumber(), all.size(), bracketsFor, base.eta()));
        }
        this.levels = all.stream().mapToDouble(Double::doubleValue).toArray();
        this.eras = List.copyOf(eraList);
        double fidelityMax = raises.isEmpty() ? base.fidelityMax() : Math.max(base.fidelityMax(), raises.get(raises.size() - 1).max());
        this.options = new Options(base.type(), base.minResource(), base.eta(), levels[levels.length - 1], fidelityMax, base.topK());
        int count = eras.stream().mapToInt(e -> e.probabilities().length).max().orElse(1);
        this.brackets = new Bracket[count];
        for (int b = 0; b < count; b++) {
            Rung[] rungs = new Rung[levels.length - b];
            for (int k = 0; k < rungs.length; k++) {
                rungs[k] = new Rung(levels[b + k]);
            }
            this.brackets[b] = new Bracket(b, rungs);
        }
    }

    /** The bracket draw over the first {@code levelCount} levels. */
    private static Era era(int firstTrialNumber, int levelCount, IntUnaryOperator bracketsFor, double eta) {
        int count = bracketsFor.applyAsInt(levelCount);
        if (count < 1 || count > levelCount) {
            throw new IllegalArgumentException("brackets must be in [1, " + levelCount + "], got " + count);
        }
        double[] weights = new double[count];
        double total = 0;
        int sMax = levelCount - 1;
        for (int b = 0; b < count; b++) {
            // Hyperband (Li et al. 2018): bracket with s halvings starts n_s = ceil((s_max+1)/(s+1) * eta^s) configurations.
            int s = sMax - b;
            weights[b] = Math.ceil((sMax + 1.0) / (s + 1) * Math.pow(eta, s));
            total += weights[b];
        }
        for (int b = 0; b < count; b++) {
            weights[b] /= total;
        }
        return new Era(firstTrialNumber, levelCount, weights);
    }

    /** Builds the memory from the study's trials (the state the incremental path would have). */
    public static SuccessiveHalving rebuild(SchedulerContext context, Options options, int brackets) {
        return new SuccessiveHalving(options, context.objectives().get(0).direction(), brackets).rebuildFrom(context);
    }

    /** Fills this empty instance from the study's trials (the state the incremental path would have). */
    public SuccessiveHalving rebuildFrom(SchedulerContext context) {
        SuccessiveHalving sh = this;
        for (Trial t : context.trials()) {
            for (IntermediateValue v : t.intermediates()) {
                sh.record(context, t, v);
            }
            if (t.state() == TrialState.PAUSED) {
                Bracket br = sh.bracket(context, t.number());
                for (int k = br.top() - 1; k >= 0; k--) {
                    if (br.rungs[k].contains(t.number()) && !br.rungs[k].isPromoted(t.number())) {
                        br.rungs[k].markWaiting(t.number());
                        break;
                    }
                }
            }
        }
        return sh;
    }

    public Options options() {
        return options;
    }

    /** The probability that a new trial joins each bracket (Hyperband's share of configurations). */
    public double[] bracketProbabilities() {
        double[] latest = eras.get(eras.size() - 1).probabilities();
        return java.util.Arrays.copyOf(latest, brackets.length);
    }

    /** All rung levels of the most aggressive bracket (after every raise of the max resource). */
    public double[] levels() {
        return levels.clone();
    }

    /** The bracket of trial {@code number}: drawn once from the study's seed and the number, so rebuilds agree. */
    public int bracketOf(SchedulerContext context, int number) {
        if (brackets.length == 1) {
            return 0;
        }
        return bracketOf.computeIfAbsent(number, n -> {
            double u = context.random(n).nextDouble(), acc = 0;
            double[] p = eraOf(n).probabilities();
            for (int b = 0; b < p.length - 1; b++) {
                acc += p[b];
                if (u < acc) {
                    return b;
                }
            }
            return p.length - 1;
        });
    }

    /** The era trial {@code number} was created in. */
    private Era eraOf(int number) {
        Era found = eras.get(0);
        for (Era e : eras) {
            if (e.firstTrialNumber() <= number) {
                found = e;
            }
        }
        return found;
    }

    private Bracket bracket(SchedulerContext context, int number) {
        return brackets[bracketOf(context, number)];
    }

    /** Rung sizes per bracket (for tests and reasons): {@code sizes[b][k]}. */
    public int[][] rungSizes() {
        int[][] out = new int[brackets.length][];
        for (int b = 0; b < brackets.length; b++) {
            out[b] = new int[brackets[b].rungs.length];
            for (int k = 0; k < out[b].length; k++) {
                out[b][k] = brackets[b].rungs[k].size();
            }
        }
        return out;
    }

    /** The rung levels of bracket {@code b}. */
    public double[] levels(int b) {
        double[] out = new double[brackets[b].rungs.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = brackets[b].level(k);
        }
        return out;
    }

    /** The budget a new trial trains to: its bracket's first rung when pausing, else the max resource. */
    public OptionalDouble initialBudget(SchedulerContext context, int number) {
        if (options.type() == Type.PROMOTION) {
            return OptionalDouble.of(bracket(context, number).level(0));
        }
        return options.maxResource() < options.fidelityMax() ? OptionalDouble.of(options.maxResource()) : OptionalDouble.empty();
    }

    /** Records {@code trial}'s latest report and decides. */
    public Verdict onReport(SchedulerContext context, Trial trial) {
        List<IntermediateValue> values = trial.intermediates();
        if (values.isEmpty()) {
            return Verdict.proceed();
        }
        IntermediateValue latest = values.get(values.size() - 1);
        double previousStep = values.size() > 1 ? values.get(values.size() - 2).step() : Double.NEGATIVE_INFINITY;
        record(context, trial, latest);
        Bracket br = bracket(context, trial.number());
        int k = br.top();
        while (k >= 0 && br.level(k) > latest.step()) {
            k--;
        }
        if (k < 0 || br.level(k) <= previousStep) {
            return Verdict.proceed(); // no new rung reached by this report
        }
        Rung rung = br.rungs[k];
        int n = rung.size(), rank = rung.rank(trial.number());
        String where = where(br, k) + ": rank " + (rank + 1) + " of " + n;
        if (k == br.top()) {
            return Verdict.of(Decision.CONTINUE, k, where + "; reached the max resource " + Texts.number(br.level(k)));
        }
        if (options.type() == Type.STOPPING && trial.budget() <= br.level(k)) {
            // Handed out before a raise of the max resource, so this rung is where it ends. Like
            // the trials that were complete at the raise (see continuations), the top floor(n/eta)
            // wait here to be resumed to the new max; the others finish at their budget.
            if (promotable(rung, trial.number())) {
                rung.markWaiting(trial.number());
                return Verdict.of(Decision.PAUSE, k, where + ", in the " + top() + " at its budget (the max resource before a raise)"
                        + "; paused until resumed to " + Texts.number(options.maxResource()));
            }
            return Verdict.of(Decision.CONTINUE, k, where + ", not in the " + top() + "; finishes at its budget "
                    + Texts.number(trial.budget()) + " (the max resource before a raise)");
        }
        if (options.type() == Type.STOPPING) {
            return rank * options.eta() < n
                    ? Verdict.of(Decision.CONTINUE, k, where + ", in the " + top())
                    : Verdict.of(Decision.STOP, k, where + ", not in the " + top());
        }
        if (trial.budget() > br.level(k)) {
            return Verdict.of(Decision.CONTINUE, k, where + "; goes on to its budget " + Texts.number(trial.budget()));
        }
        rung.markWaiting(trial.number());
        return Verdict.of(Decision.PAUSE, k, where + "; paused until promoted to " + Texts.number(br.level(k + 1)));
    }

    /**
     * The best waiting trial of the highest rung whose top 1/eta holds one (over every bracket:
     * the promotion to the largest resource first), promoted to the next rung's level.
     */
    public Optional<Promotion> promote(SchedulerContext context) {
        // With type=stopping no trial pauses at a rung; only the trials continued after a raise
        // of the max resource wait there, each judged in the top when it paused (see onReport and
        // continuations), and they are resumed to the new max resource however the rung grew since.
        while (true) {
            Bracket bestBracket = null;
            int bestRung = -1;
            Rung.Entry best = null;
            for (Bracket br : brackets) {
                for (int k = br.top() - 1; k >= 0; k--) {
                    Optional<Rung.Entry> e = br.rungs[k].bestWaiting();
                    if (e.isPresent() && (options.type() == Type.STOPPING || promotable(br.rungs[k], e.get().number()))) {
                        if (best == null || br.level(k + 1) > bestBracket.level(bestRung + 1)) {
                            bestBracket = br;
                            bestRung = k;
                            best = e.get();
                        }
                        break;
                    }
                }
            }
            if (best == null) {
                return Optional.empty();
            }
            Rung rung = bestBracket.rungs[bestRung];
            // A paused trial may have been told or failed meanwhile (the scheduler is not called then).
            Trial t = context.trials().get(best.number());
            if (t.state() != TrialState.PAUSED) {
                rung.dropWaiting(best.number());
                continue;
            }
            String reason = where(bestBracket, bestRung) + ": rank " + (rung.rank(best.number()) + 1) + " of " + rung.size()
                    + ", best waiting trial in the " + top();
            rung.markPromoted(best.number());
            double budget = options.type() == Type.PROMOTION ? bestBracket.level(bestRung + 1) : options.maxResource();
            return Optional.of(new Promotion(best.trialId(), budget, reason));
        }
    }

    /**
     * Which COMPLETE trials to continue after {@code raise} (Iterative Deepening Hyperband's
     * reuse of earlier evaluations): in every bracket, the trials that successive halving would
     * promote from the rung at the old max resource, i.e. the top 1/eta of that rung's members
     * by the value each reported there (the top k with {@code topK}), among those that finished
     * there before the raise. The engine puts them back to PAUSED; {@link #promote} then resumes
     * each from its checkpoint to the next rung, highest rung first, like any paused trial.
     * Trials outside that top stay COMPLETE (they still count in the rung's ranking), so none is
     * trained past a rung twice.
     */
    public List<Continuation> continuations(SchedulerContext context, MaxResourceRaise raise) {
        double oldTop = levels[0];
        for (double level : levels) {
            if (level <= raise.previousMax() * (1 + 1e-12)) {
                oldTop = level; // the top rung before the raise
            }
        }
        List<Continuation> out = new ArrayList<>();
        for (Bracket br : brackets) {
            for (int k = 0; k < br.top(); k++) {
                if (br.level(k) != oldTop) {
                    continue;
                }
                Rung rung = br.rungs[k];
                for (Rung.Entry e : rung.best(rung.size())) {
                    if (!promotable(rung, e.number())) {
                        break;
                    }
                    Trial t = context.trials().get(e.number());
                    if (t.state() == TrialState.COMPLETE && e.number() < raise.firstTrialNumber() && !rung.isPromoted(e.number())) {
                        out.add(new Continuation(e.trialId(), "max resource raised from " + Texts.number(raise.previousMax())
                                + " to " + Texts.number(raise.max()) + "; " + where(br, k) + ": rank " + (rung.rank(e.number()) + 1)
                                + " of " + rung.size() + ", in the " + top() + "; continued from its checkpoint"));
                    }
                }
            }
        }
        return out;
    }

    /** In the top floor(n/eta) of its rung (or its top k). */
    private boolean promotable(Rung rung, int number) {
        if (options.topK() > 0) {
            return rung.rank(number) < options.topK();
        }
        return (rung.rank(number) + 1) * options.eta() <= rung.size() * (1 + 1e-12);
    }

    private String top() {
        return options.topK() > 0 ? "top " + options.topK() : "top 1/" + Texts.number(options.eta());
    }

    private String where(Bracket br, int k) {
        return (brackets.length > 1 ? "bracket " + br.index() + ", " : "") + "rung " + k + " (" + Texts.number(br.level(k)) + ")";
    }

    /** Adds {@code v} to every rung of the trial's bracket that it reaches for the first time. */
    private void record(SchedulerContext context, Trial trial, IntermediateValue v) {
        Bracket br = bracket(context, trial.number());
        double loss = direction.toLoss(v.value());
        for (int k = 0; k <= br.top() && br.level(k) <= v.step(); k++) {
            Rung rung = br.rungs[k];
            rung.add(trial.number(), trial.id(), loss);
            if (k < br.top() && trial.budget() > rung.level()) {
                rung.markPromoted(trial.number()); // it was given a budget past this rung
            }
        }
    }
}
