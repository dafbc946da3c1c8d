package io.hypatia.launcher.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Statistics of evaluation rows, per optimizer and benchmark, over seeds.
 *
 * <ul>
 *   <li><b>final</b>: median and interquartile range (25th..75th percentile, linear
 *       interpolation as numpy's default) of each run's score after its last evaluation;
 *       at a checkpoint k, of the score after the run's k-th trial (a run with fewer trials
 *       counts with its final score).</li>
 *   <li><b>rank</b>: per benchmark, optimizers ranked by median final score (1 = best, ties share
 *       the mean rank); <b>mean rank</b> averages it over the benchmarks every optimizer ran.</li>
 *   <li><b>auc</b> (area under the anytime curve, per trial): for each run, the mean over
 *       k = 1..K (K its number of trials) of log10(max(regret_k, 0) + 1e-12), regret_k being
 *       the regret of the best value found by trial k; the median over seeds is reported. Lower
 *       is better; it rewards getting good early, not only ending good. For hypervolume and
 *       loss scores the mean of the score itself is used (hypervolume: higher is better).</li>
 * </ul>
 * A run's trial count at a row is the number of distinct trials evaluated so far, so
 * multi-fidelity runs, which write a row per reported step, count trials the same way.
 */
public final class Summary {
    /** Floor added before taking log10 of a regret (exact hits of the optimum would be -infinity). */
    static final double LOG_FLOOR = 1e-12;

    /** One run's anytime curve, in event order. */
    record Curve(String optimizer, String benchmark, long seed, Incumbent.Kind kind, int[] trials, double[] score,
                 double[] simTime, double[] wallTime, double[] epochs) {

        /** True when the rows carried the epochs trained (files written before that column have none). */
        boolean hasEpochs() {
            return !Double.isNaN(epochs[epochs.length - 1]);
        }

        double finalEpochs() {
            return epochs[epochs.length - 1];
        }

        /** Score once {@code e} epochs were trained in all, or NaN before the first evaluation or without epochs. */
        double scoreAtEpochs(double e) {
            int i = hasEpochs() ? lastIndexAtMost(epochs, e) : -1;
            return i < 0 ? Double.NaN : score[i];
        }

        /** Epochs trained by simulated time t (NaN before the first evaluation). */
        double epochsAtTime(double t) {
            int i = lastIndexAtMost(simTime, t);
            return i < 0 ? Double.NaN : epochs[i];
        }

        /** The first simulated time at which the score is at least as good as {@code target}; infinity if never. */
        double timeToReach(double target) {
            for (int i = 0; i < score.length; i++) {
                if (kind.higherIsBetter() ? score[i] >= target : score[i] <= target) {
                    return simTime[i];
                }
            }
            return Double.POSITIVE_INFINITY;
        }

        int finalTrials() {
            return trials[trials.length - 1];
        }

        double finalScore() {
            return score[score.length - 1];
        }

        /** Score after the run's k-th trial (its first score before that, its final one after its last). */
        double scoreAtTrial(int k) {
            int i = lastIndexAtMost(trials, k);
            return score[Math.max(0, i)];
        }

        /** Score at simulated time t, or NaN before the run's first evaluation. */
        double scoreAtTime(double t) {
            int i = lastIndexAtMost(simTime, t);
            return i < 0 ? Double.NaN : score[i];
        }

        double auc() {
            double sum = 0;
            int n = finalTrials();
            for (int k = 1; k <= n; k++) {
                sum += transform(kind, scoreAtTrial(k));
            }
            return sum / n;
        }
    }

    /** Median and quartiles. */
    record Stats(double median, double q25, double q75) {
        static Stats of(double[] values) {
            double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
            return v.length == 0 ? new Stats(Double.NaN, Double.NaN, Double.NaN)
                    : new Stats(quantile(v, 0.5), quantile(v, 0.25), quantile(v, 0.75));
        }
    }

    /** One optimizer on one benchmark. */
    record Cell(String benchmark, String optimizer, Incumbent.Kind kind, int seeds, double medianTrials, Stats last,
                List<Stats> checkpoints, double auc, double rank) {
    }

    private final List<Integer> checkpoints;
    private final Map<String, Map<String, List<Curve>>> curves; // benchmark -> optimizer -> runs
    private final List<Cell> cells = new ArrayList<>();
    private final Map<String, Double> meanRank = new LinkedHashMap<>();
    private final List<String> rankedBenchmarks = new ArrayList<>();

    private Summary(Map<String, Map<String, List<Curve>>> curves, List<Integer> checkpoints) {
        this.curves = curves;
        this.checkpoints = List.copyOf(checkpoints);
        Set<String> optimizers = new LinkedHashSet<>();
        curves.values().forEach(m -> optimizers.addAll(m.keySet()));
        Map<String, List<Double>> ranks = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, List<Curve>>> b : curves.entrySet()) {
            List<Cell> row = new ArrayList<>();
            for (Map.Entry<String, List<Curve>> o : b.getValue().entrySet()) {
                row.add(cell(b.getKey(), o.getKey(), o.getValue()));
            }
            row = ranked(row);
            cells.addAll(row);
            if (b.getValue().keySet().containsAll(optimizers)) {
                rankedBenchmarks.add(b.getKey());
                row.forEach(c -> ranks.computeIfAbsent(c.optimizer(), x -> new ArrayList<>()).add(c.rank()));
            }
        }
        for (String o : optimizers) {
            List<Double> r = ranks.getOrDefault(o, List.of());
            meanRank.put(o, r.isEmpty() ? Double.NaN : r.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
        }
    }

    /** Groups rows into runs (optimizer, benchmark, seed); rows of a run must be in event order, as written. */
    public static Summary of(List<EvaluationRow> rows, List<Integer> checkpoints) {
        Map<List<Object>, List<EvaluationRow>> runs = new LinkedHashMap<>();
        for (EvaluationRow r : rows) {
            runs.computeIfAbsent(List.of(r.optimizer(), r.benchmark(), r.seed()), k -> new ArrayList<>()).add(r);
        }
        Map<String, Map<String, List<Curve>>> curves = new LinkedHashMap<>();
        for (List<EvaluationRow> run : runs.values()) {
            EvaluationRow first = run.get(0);
            int n = run.size();
            int[] trials = new int[n];
            double[] score = new double[n], sim = new double[n], wall = new double[n], epochs = new double[n];
            Set<Integer> seen = new HashSet<>();
            Incumbent.Kind kind = Incumbent.Kind.of(first.scoreKind());
            for (int i = 0; i < n; i++) {
                EvaluationRow r = run.get(i);
                if (!r.scoreKind().equals(first.scoreKind())) {
                    throw new BenchException("run " + first.optimizer() + " / " + first.benchmark() + " / seed " + first.seed()
                            + " mixes score kinds " + first.scoreKind() + " and " + r.scoreKind());
                }
                seen.add(r.trial());
                trials[i] = seen.size();
                score[i] = r.score();
                sim[i] = r.simTime();
                wall[i] = r.wallTime();
                epochs[i] = r.epochs();
            }
            curves.computeIfAbsent(first.benchmark(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(first.optimizer(), k -> new ArrayList<>())
                    .add(new Curve(first.optimizer(), first.benchmark(), first.seed(), kind, trials, score, sim, wall, epochs));
        }
        return new Summary(regretToBestFound(curves), checkpoints);
    }

    /**
     * A benchmark without a known optimum (YAHPO surrogates) is scored as regret against the best
     * value any run of this summary found on it, as Syne Tune's and HPOBench's comparisons do, so
     * anytime curves and speed-ups read the same as for benchmarks with an optimum. Merging other
     * runs (e.g. Optuna's) can move that reference; it is the same for every optimizer compared.
     */
    static Map<String, Map<String, List<Curve>>> regretToBestFound(Map<String, Map<String, List<Curve>>> curves) {
        Map<String, Map<String, List<Curve>>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, List<Curve>>> b : curves.entrySet()) {
            boolean loss = b.getValue().values().stream().flatMap(List::stream).allMatch(c -> c.kind() == Incumbent.Kind.LOSS);
            if (!loss) {
                out.put(b.getKey(), b.getValue());
                continue;
            }
            double best = b.getValue().values().stream().flatMap(List::stream)
                    .flatMapToDouble(c -> Arrays.stream(c.score())).min().orElse(0);
            Map<String, List<Curve>> converted = new LinkedHashMap<>();
            b.getValue().forEach((o, runs) -> converted.put(o, runs.stream().map(c -> new Curve(c.optimizer(), c.benchmark(),
                    c.seed(), Incumbent.Kind.REGRET, c.trials(), Arrays.stream(c.score()).map(v -> v - best).toArray(),
                    c.simTime(), c.wallTime(), c.epochs())).toList()));
            out.put(b.getKey(), converted);
        }
        return out;
    }

    private Cell cell(String benchmark, String optimizer, List<Curve> runs) {
        Incumbent.Kind kind = runs.get(0).kind();
        if (runs.stream().anyMatch(c -> c.kind() != kind)) {
            throw new BenchException(benchmark + ": runs of " + optimizer + " use different score kinds");
        }
        Stats last = Stats.of(runs.stream().mapToDouble(Curve::finalScore).toArray());
        List<Stats> at = new ArrayList<>();
        for (int k : checkpoints) {
            at.add(Stats.of(runs.stream().mapToDouble(c -> c.scoreAtTrial(k)).toArray()));
        }
        double auc = Stats.of(runs.stream().mapToDouble(Curve::auc).toArray()).median();
        double trials = Stats.of(runs.stream().mapToDouble(Curve::finalTrials).toArray()).median();
        return new Cell(benchmark, optimizer, kind, runs.size(), trials, last, at, auc, Double.NaN);
    }

    /** The cells of one benchmark with their ranks by median final score. */
    private static List<Cell> ranked(List<Cell> row) {
        List<Cell> out = new ArrayList<>();
        for (Cell c : row) {
            double better = 0, equal = 0;
            for (Cell o : row) {
                if (o == c) {
                    continue;
                }
                int cmp = compare(c.kind(), o.last().median(), c.last().median());
                better += cmp < 0 ? 1 : 0;
                equal += cmp == 0 ? 1 : 0;
            }
            out.add(new Cell(c.benchmark(), c.optimizer(), c.kind(), c.seeds(), c.medianTrials(), c.last(), c.checkpoints(),
                    c.auc(), 1 + better + equal / 2));
        }
        return out;
    }

    /** Negative when score a is better than b. */
    private static int compare(Incumbent.Kind kind, double a, double b) {
        int cmp = Double.compare(a, b);
        return kind.higherIsBetter() ? -cmp : cmp;
    }

    static double transform(Incumbent.Kind kind, double score) {
        return kind == Incumbent.Kind.REGRET ? Math.log10(Math.max(score, 0) + LOG_FLOOR) : score;
    }

    /** numpy's default (linear) quantile of sorted values. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    static int lastIndexAtMost(int[] sorted, int k) {
        int lo = 0, hi = sorted.length - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= k) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    static int lastIndexAtMost(double[] sorted, double t) {
        int lo = 0, hi = sorted.length - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= t) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    public List<Cell> cells() {
        return cells;
    }

    public Map<String, Double> meanRank() {
        return meanRank;
    }

    Map<String, Map<String, List<Curve>>> curves() {
        return curves;
    }

    // ---------------------------------------------------------------- output

    private List<String> headers() {
        List<String> h = new ArrayList<>(List.of("benchmark", "optimizer", "score", "seeds", "trials", "median", "IQR"));
        for (int k : checkpoints) {
            h.add("median@" + k);
            h.add("IQR@" + k);
        }
        h.addAll(List.of("auc", "rank"));
        return h;
    }

    private List<List<String>> tableRows() {
        List<List<String>> out = new ArrayList<>();
        for (Cell c : cells) {
            List<String> r = new ArrayList<>(List.of(c.benchmark(), c.optimizer(), c.kind().label(), Integer.toString(c.seeds()),
                    num(c.medianTrials()), num(c.last().median()), iqr(c.last())));
            for (Stats s : c.checkpoints()) {
                r.add(num(s.median()));
                r.add(iqr(s));
            }
            r.add(num(c.auc()));
            r.add(num(c.rank()));
            out.add(r);
        }
        return out;
    }

    /** The aligned text table and the mean ranks, as printed to the terminal. */
    public String text() {
        List<String> h = headers();
        List<List<String>> rows = tableRows();
        int[] width = new int[h.size()];
        for (int i = 0; i < h.size(); i++) {
            width[i] = h.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        appendAligned(sb, h, width);
        for (List<String> r : rows) {
            appendAligned(sb, r, width);
        }
        sb.append('\n').append(meanRankText()).append('\n');
        return sb.toString();
    }

    private static void appendAligned(StringBuilder sb, List<String> cells, int[] width) {
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            boolean left = i < 3;
            String pad = " ".repeat(width[i] - c.length());
            sb.append(left ? c + pad : pad + c).append(i + 1 < cells.size() ? "  " : "\n");
        }
    }

    private String meanRankText() {
        StringBuilder sb = new StringBuilder("mean rank over " + rankedBenchmarks.size() + " benchmark(s) every optimizer ran:");
        meanRank.forEach((o, r) -> sb.append("\n  ").append(o).append(": ").append(num(r)));
        return sb.toString();
    }

    /** summary.csv (one row per optimizer and benchmark) and summary.md (the same as tables, with definitions). */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder csv = new StringBuilder("benchmark,optimizer,score_kind,seeds,trials,median,q25,q75");
        for (int k : checkpoints) {
            csv.append(",median_at_").append(k).append(",q25_at_").append(k).append(",q75_at_").append(k);
        }
        csv.append(",auc,rank,mean_rank\n");
        for (Cell c : cells) {
            csv.append(EvaluationCsv.quote(c.benchmark())).append(',').append(EvaluationCsv.quote(c.optimizer())).append(',')
                    .append(c.kind().label()).append(',').append(c.seeds()).append(',').append(EvaluationCsv.number(c.medianTrials()))
                    .append(',').append(stats(c.last()));
            for (Stats s : c.checkpoints()) {
                csv.append(',').append(stats(s));
            }
            csv.append(',').append(EvaluationCsv.number(c.auc())).append(',').append(EvaluationCsv.number(c.rank()))
                    .append(',').append(EvaluationCsv.number(meanRank.get(c.optimizer()))).append('\n');
        }
        Files.writeString(dir.resolve("summary.csv"), csv);
        Files.writeString(dir.resolve("summary.md"), markdown());
    }

    public String markdown() {
        StringBuilder md = new StringBuilder();
        List<String> h = headers();
        md.append("| ").append(String.join(" | ", h)).append(" |\n|");
        for (int i = 0; i < h.size(); i++) {
            md.append(i < 3 ? "---|" : "---:|");
        }
        md.append('\n');
        for (List<String> r : tableRows()) {
            md.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        md.append("\n| optimizer | mean rank (").append(rankedBenchmarks.size()).append(" benchmarks) |\n|---|---:|\n");
        meanRank.forEach((o, r) -> md.append("| ").append(o).append(" | ").append(num(r)).append(" |\n"));
        md.append("""

                *score*: regret = best value so far minus the optimum, in the objective's direction (lower is
                better; for a benchmark without a known optimum, such as the YAHPO surrogates, minus the best
                value any run of this summary found); hypervolume for several objectives (higher is better); loss when no optimum is known.
                *median*, *IQR*: over seeds, of the score after each run's last trial (IQR = 25th..75th
                percentile); *@k*: after trial k. *auc*: per run the mean over trials k of
                log10(max(regret_k, 0) + 1e-12), median over seeds (lower is better). *rank*: of the median
                final score among the optimizers on that benchmark (1 = best); the mean rank averages it over
                the benchmarks every optimizer ran.
                """);
        return md.toString();
    }

    private static String stats(Stats s) {
        return EvaluationCsv.number(s.median()) + "," + EvaluationCsv.number(s.q25()) + "," + EvaluationCsv.number(s.q75());
    }

    private static String iqr(Stats s) {
        return num(s.q25()) + ".." + num(s.q75());
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e6) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
