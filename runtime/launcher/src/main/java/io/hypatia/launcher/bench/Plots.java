package io.hypatia.launcher.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleBiFunction;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * Anytime plots per benchmark: the score against trials and against simulated time, the median
 * over seeds as a line and the interquartile range as a band, one colour per optimizer, as PNG
 * and SVG. Regret is drawn on a log axis; values at or below a floor (zero and the small negative
 * regrets of noisy draws) are drawn at the floor, which is a tenth of the smallest positive
 * regret plotted (at least 1e-12). The CSV keeps the signed values.
 */
public final class Plots {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    private static final int MAX_POINTS = 400;
    private static final Color[] PALETTE = {
            new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
            new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private Plots() {
    }

    /** Writes {@code <benchmark>-vs-trials} and {@code <benchmark>-vs-time}, each .png and .svg, into {@code dir}; returns the files. */
    public static List<Path> write(Summary summary, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, Map<String, List<Summary.Curve>>> b : summary.curves().entrySet()) {
            String name = b.getKey().replaceAll("[^A-Za-z0-9._-]", "_");
            files.addAll(save(vsTrials(b.getKey(), b.getValue()), dir, name + "-vs-trials"));
            files.addAll(save(vsTime(b.getKey(), b.getValue()), dir, name + "-vs-time"));
            if (b.getValue().values().stream().flatMap(List::stream).anyMatch(c -> c.hasEpochs() && c.finalEpochs() > 0)) {
                files.addAll(save(vsEpochs(b.getKey(), b.getValue()), dir, name + "-vs-epochs"));
            }
        }
        return files;
    }

    static JFreeChart vsTrials(String benchmark, Map<String, List<Summary.Curve>> byOptimizer) {
        int maxTrials = byOptimizer.values().stream().flatMap(List::stream).mapToInt(Summary.Curve::finalTrials).max().orElse(1);
        double[] grid = grid(1, maxTrials, Math.min(maxTrials, MAX_POINTS), true);
        return chart(benchmark + ": anytime performance by trials", "trials", grid, byOptimizer,
                (c, k) -> c.scoreAtTrial((int) Math.round(k)), Summary.Curve::finalTrials);
    }

    static JFreeChart vsTime(String benchmark, Map<String, List<Summary.Curve>> byOptimizer) {
        double start = byOptimizer.values().stream().flatMap(List::stream).mapToDouble(c -> c.simTime()[0]).min().orElse(0);
        double end = byOptimizer.values().stream().flatMap(List::stream)
                .mapToDouble(c -> c.simTime()[c.simTime().length - 1]).max().orElse(1);
        double[] grid = grid(start, Math.max(end, start + 1e-9), MAX_POINTS, false);
        return chart(benchmark + ": anytime performance by simulated time", "simulated time (s)", grid, byOptimizer,
                Summary.Curve::scoreAtTime, c -> c.simTime()[c.simTime().length - 1]);
    }

    /** Against the epochs (fidelity units) trained in all: the cost measure that does not depend on the worker count. */
    static JFreeChart vsEpochs(String benchmark, Map<String, List<Summary.Curve>> byOptimizer) {
        Map<String, List<Summary.Curve>> withEpochs = new java.util.LinkedHashMap<>();
        byOptimizer.forEach((o, runs) -> {
            List<Summary.Curve> r = runs.stream().filter(Summary.Curve::hasEpochs).toList();
            if (!r.isEmpty()) {
                withEpochs.put(o, r);
            }
        });
        double end = withEpochs.values().stream().flatMap(List::stream).mapToDouble(Summary.Curve::finalEpochs).max().orElse(1);
        double[] grid = grid(0, Math.max(end, 1e-9), MAX_POINTS, false);
        return chart(benchmark + ": anytime performance by epochs trained", "epochs trained (all workers)", grid, withEpochs,
                Summary.Curve::scoreAtEpochs, Summary.Curve::finalEpochs);
    }

    private static double[] grid(double from, double to, int n, boolean integral) {
        double[] g = new double[Math.max(2, n)];
        for (int i = 0; i < g.length; i++) {
            double x = from + (to - from) * i / (g.length - 1);
            g[i] = integral ? Math.round(x) : x;
        }
        return g;
    }

    private static JFreeChart chart(String title, String xLabel, double[] grid, Map<String, List<Summary.Curve>> byOptimizer,
                                    ToDoubleBiFunction<Summary.Curve, Double> scoreAt, ToDoubleFunction<Summary.Curve> end) {
        Incumbent.Kind kind = byOptimizer.values().iterator().next().get(0).kind();
        boolean log = kind == Incumbent.Kind.REGRET;
        double floor = log ? floor(byOptimizer) : Double.NEGATIVE_INFINITY;
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        for (Map.Entry<String, List<Summary.Curve>> o : byOptimizer.entrySet()) {
            YIntervalSeries series = new YIntervalSeries(o.getKey());
            // an optimizer's line ends where its longest run ends; until then finished runs count with their final score
            double last = o.getValue().stream().mapToDouble(end).max().orElse(0);
            double previousX = Double.NaN;
            for (double x : grid) {
                if (x == previousX || x > last) {
                    continue;
                }
                previousX = x;
                double[] values = o.getValue().stream().mapToDouble(c -> scoreAt.applyAsDouble(c, x)).toArray();
                Summary.Stats s = Summary.Stats.of(values);
                if (!Double.isNaN(s.median())) {
                    series.add(x, Math.max(floor, s.median()), Math.max(floor, s.q25()), Math.max(floor, s.q75()));
                }
            }
            data.addSeries(series);
        }
        NumberAxis xAxis = new NumberAxis(xLabel);
        xAxis.setAutoRangeIncludesZero(false);
        ValueAxis yAxis;
        String yLabel = switch (kind) {
            case REGRET -> "regret (best so far - optimum), median and IQR over seeds";
            case HYPERVOLUME -> "hypervolume, median and IQR over seeds";
            case LOSS -> "best so far (as a loss), median and IQR over seeds";
        };
        if (log) {
            // LogarithmicAxis labels decades and, over a narrow range, 2..9 within them: readable either way
            LogarithmicAxis axis = new LogarithmicAxis(yLabel);
            axis.setStrictValuesFlag(false);
            axis.setExpTickLabelsFlag(true);
            axis.setAutoRangeNextLogFlag(true); // whole decades, so at least two labelled ticks
            yAxis = axis;
        } else {
            NumberAxis axis = new NumberAxis(yLabel);
            axis.setAutoRangeIncludesZero(false);
            yAxis = axis;
        }
        DeviationRenderer renderer = new DeviationRenderer(true, false);
        renderer.setAlpha(0.18f);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            Color c = PALETTE[i % PALETTE.length];
            renderer.setSeriesPaint(i, c);
            renderer.setSeriesFillPaint(i, c);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        XYPlot plot = new XYPlot(data, xAxis, yAxis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        JFreeChart chart = new JFreeChart(title, new Font("SansSerif", Font.BOLD, 15), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** A tenth of the smallest positive score of any run, at least 1e-12. */
    private static double floor(Map<String, List<Summary.Curve>> byOptimizer) {
        double min = byOptimizer.values().stream().flatMap(List::stream)
                .flatMapToDouble(c -> java.util.Arrays.stream(c.score())).filter(v -> v > 0).min().orElse(1);
        return Math.max(Summary.LOG_FLOOR, min / 10);
    }

    private static List<Path> save(JFreeChart chart, Path dir, String name) throws IOException {
        Path png = dir.resolve(name + ".png");
        Path svg = dir.resolve(name + ".svg");
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
        SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
        chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
        Files.writeString(svg, g.getSVGDocument());
        return List.of(png, svg);
    }
}
