package io.hypatia.launcher.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The multi-fidelity view of a summary, as Syne Tune and the ASHA paper compare schedulers: per
 * benchmark and optimizer, over seeds,
 * <ul>
 *   <li>the score at 25, 50 and 100% of the time budget T (median and IQR);</li>
 *   <li>the time to reach the reference optimizer's final score (random search at full budget:
 *       the median over its seeds of its score at T), as the median over seeds of each run's first
 *       time at or below it (a run that never gets there counts as infinitely late), and the
 *       speed-up T / that time;</li>
 *   <li>the epochs (fidelity units) trained by T, and optionally the score after E epochs in all,
 *       which compares methods at equal compute whatever the worker count.</li>
 * </ul>
 */
public final class AnytimeTable {
    static final double[] FRACTIONS = {0.25, 0.5, 1.0};

    /** One optimizer on one benchmark. */
    record Row(String benchmark, String optimizer, int seeds, List<Summary.Stats> atTime, double target, double timeToTarget,
               int reached, double epochsAtEnd, List<Summary.Stats> atEpochs) {
        double speedUp(double budget) {
            return Double.isFinite(timeToTarget) && timeToTarget > 0 ? budget / timeToTarget : Double.NaN;
        }
    }

    private final double budget;
    private final String reference;
    private final List<Double> epochCheckpoints;
    private final List<Row> rows = new ArrayList<>();

    AnytimeTable(Summary summary, double budget, String reference, List<Double> epochCheckpoints) {
        if (!(budget > 0)) {
            throw new BenchException("the time budget must be > 0, got " + budget);
        }
        this.budget = budget;
        this.reference = reference;
        this.epochCheckpoints = List.copyOf(epochCheckpoints);
        for (Map.Entry<String, Map<String, List<Summary.Curve>>> b : summary.curves().entrySet()) {
            List<Summary.Curve> ref = b.getValue().get(reference);
            double target = ref == null ? Double.NaN
                    : Summary.Stats.of(ref.stream().mapToDouble(c -> c.scoreAtTime(budget)).toArray()).median();
            for (Map.Entry<String, List<Summary.Curve>> o : b.getValue().entrySet()) {
                rows.add(row(b.getKey(), o.getKey(), o.getValue(), target));
            }
        }
    }

    private Row row(String benchmark, String optimizer, List<Summary.Curve> runs, double target) {
        List<Summary.Stats> atTime = new ArrayList<>();
        for (double f : FRACTIONS) {
            atTime.add(Summary.Stats.of(runs.stream().mapToDouble(c -> c.scoreAtTime(f * budget)).toArray()));
        }
        double time = Double.NaN;
        int reached = 0;
        if (!Double.isNaN(target)) {
            double[] times = runs.stream().mapToDouble(c -> {
                double t = c.timeToReach(target);
                return t <= budget ? t : Double.POSITIVE_INFINITY;
            }).toArray();
            reached = (int) Arrays.stream(times).filter(Double::isFinite).count();
            time = median(times);
        }
        double epochs = Summary.Stats.of(runs.stream().filter(Summary.Curve::hasEpochs)
                .mapToDouble(c -> c.epochsAtTime(budget)).toArray()).median();
        List<Summary.Stats> atEpochs = new ArrayList<>();
        for (double e : epochCheckpoints) {
            atEpochs.add(Summary.Stats.of(runs.stream().mapToDouble(c -> c.scoreAtEpochs(e)).toArray()));
        }
        return new Row(benchmark, optimizer, runs.size(), atTime, target, time, reached, epochs, atEpochs);
    }

    /** The median allowing infinities (runs that never reached the target). */
    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        if (v.length == 0) {
            return Double.NaN;
        }
        double a = v[(v.length - 1) / 2], b = v[v.length / 2];
        return a == b ? a : Double.isInfinite(b) ? Double.POSITIVE_INFINITY : (a + b) / 2;
    }

    List<Row> rows() {
        return rows;
    }

    private List<String> headers() {
        List<String> h = new ArrayList<>(List.of("benchmark", "optimizer", "seeds"));
        for (double f : FRACTIONS) {
            h.add("regret@" + Math.round(f * 100) + "% (IQR)");
        }
        h.addAll(List.of("time to " + reference + "'s final", "reached", "speed-up", "epochs@100%"));
        for (double e : epochCheckpoints) {
            h.add("regret@" + Summary.num(e) + " epochs (IQR)");
        }
        return h;
    }

    private List<List<String>> tableRows() {
        List<List<String>> out = new ArrayList<>();
        for (Row r : rows) {
            List<String> cells = new ArrayList<>(List.of(r.benchmark(), r.optimizer(), Integer.toString(r.seeds())));
            r.atTime().forEach(s -> cells.add(withIqr(s)));
            cells.add(Double.isNaN(r.timeToTarget()) ? "-" : Double.isInfinite(r.timeToTarget()) ? "not reached"
                    : Summary.num(r.timeToTarget()));
            cells.add(Double.isNaN(r.target()) ? "-" : r.reached() + "/" + r.seeds());
            double speedUp = r.speedUp(budget);
            cells.add(Double.isNaN(speedUp) ? "-" : String.format(java.util.Locale.ROOT, "%.2fx", speedUp));
            cells.add(Summary.num(r.epochsAtEnd()));
            r.atEpochs().forEach(s -> cells.add(withIqr(s)));
            out.add(cells);
        }
        return out;
    }

    private static String withIqr(Summary.Stats s) {
        return Double.isNaN(s.median()) ? "-" : Summary.num(s.median()) + " (" + Summary.num(s.q25()) + ".." + Summary.num(s.q75()) + ")";
    }

    public String markdown() {
        StringBuilder md = new StringBuilder("Time budget T = " + Summary.num(budget) + " simulated seconds; reference: "
                + reference + ".\n\n");
        List<String> h = headers();
        md.append("| ").append(String.join(" | ", h)).append(" |\n|");
        for (int i = 0; i < h.size(); i++) {
            md.append(i < 2 ? "---|" : "---:|");
        }
        md.append('\n');
        for (List<String> r : tableRows()) {
            md.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        md.append("""

                *regret@p%*: median (IQR) over seeds of the regret at p% of T. *time to the reference's final*:
                the median over seeds of the first simulated time a run's regret is at or below the reference's
                median regret at T ("not reached" when more than half the runs do not get there by T);
                *reached*: runs that got there; *speed-up*: T / that time. *epochs@100%*: median fidelity units
                trained by all workers by T (a resumed trial counts only what it trains beyond its checkpoint).
                *regret@E epochs*: after E epochs trained in all.
                """);
        return md.toString();
    }

    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder csv = new StringBuilder("benchmark,optimizer,seeds");
        for (double f : FRACTIONS) {
            String p = Long.toString(Math.round(f * 100));
            csv.append(",median_at_").append(p).append("pct,q25_at_").append(p).append("pct,q75_at_").append(p).append("pct");
        }
        csv.append(",target,time_to_target,reached,speed_up,epochs_at_end");
        for (double e : epochCheckpoints) {
            String k = EvaluationCsv.number(e);
            csv.append(",median_at_").append(k).append("_epochs,q25_at_").append(k).append("_epochs,q75_at_").append(k).append("_epochs");
        }
        csv.append('\n');
        for (Row r : rows) {
            csv.append(EvaluationCsv.quote(r.benchmark())).append(',').append(EvaluationCsv.quote(r.optimizer())).append(',')
                    .append(r.seeds());
            r.atTime().forEach(s -> csv.append(',').append(stats(s)));
            csv.append(',').append(EvaluationCsv.number(r.target())).append(',')
                    .append(Double.isInfinite(r.timeToTarget()) ? "inf" : EvaluationCsv.number(r.timeToTarget())).append(',')
                    .append(r.reached()).append(',').append(EvaluationCsv.number(r.speedUp(budget))).append(',')
                    .append(EvaluationCsv.number(r.epochsAtEnd()));
            r.atEpochs().forEach(s -> csv.append(',').append(stats(s)));
            csv.append('\n');
        }
        Files.writeString(dir.resolve("anytime.csv"), csv);
        Files.writeString(dir.resolve("anytime.md"), markdown());
    }

    private static String stats(Summary.Stats s) {
        return EvaluationCsv.number(s.median()) + "," + EvaluationCsv.number(s.q25()) + "," + EvaluationCsv.number(s.q75());
    }
}
