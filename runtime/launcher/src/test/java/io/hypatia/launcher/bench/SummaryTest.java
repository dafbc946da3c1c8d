package io.hypatia.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryTest {

    /** A run whose regret after trial k is regrets[k-1]. */
    private static List<EvaluationRow> run(String optimizer, String benchmark, long seed, double... regrets) {
        List<EvaluationRow> rows = new ArrayList<>();
        for (int i = 0; i < regrets.length; i++) {
            rows.add(new EvaluationRow(optimizer, benchmark, seed, i, 0, List.of(regrets[i]), regrets[i], "regret", regrets[i],
                    i + 1, 0, i + 1));
        }
        return rows;
    }

    @Test
    void quantilesInterpolateLinearlyAsNumpyDoes() {
        double[] v = {1, 2, 3, 4};
        assertEquals(2.5, Summary.quantile(v, 0.5));
        assertEquals(1.75, Summary.quantile(v, 0.25));
        assertEquals(3.25, Summary.quantile(v, 0.75));
    }

    @Test
    void finalScoresCheckpointsAucAndRanks() {
        List<EvaluationRow> rows = new ArrayList<>();
        rows.addAll(run("a", "f", 1, 10, 1, 0.1));
        rows.addAll(run("a", "f", 2, 10, 1, 0.1));
        rows.addAll(run("b", "f", 1, 1, 1, 1));
        rows.addAll(run("b", "f", 2, 1, 1, 1));
        rows.addAll(run("a", "g", 1, 5));
        rows.addAll(run("b", "g", 1, 5));
        Summary s = Summary.of(rows, List.of(1, 2));
        Summary.Cell af = s.cells().get(0);
        assertEquals("f", af.benchmark());
        assertEquals("a", af.optimizer());
        assertEquals(0.1, af.last().median());
        assertEquals(10, af.checkpoints().get(0).median());
        assertEquals(1, af.checkpoints().get(1).median());
        assertEquals((1 + 0 + -1) / 3.0, af.auc(), 1e-9); // mean of log10 regrets 10, 1, 0.1
        assertEquals(1, af.rank());
        assertEquals(2, s.cells().get(1).rank());
        // on g the two tie and share rank 1.5
        assertEquals(1.5, s.cells().get(2).rank());
        assertEquals((1 + 1.5) / 2, s.meanRank().get("a"));
        assertEquals((2 + 1.5) / 2, s.meanRank().get("b"));
        assertTrue(s.text().contains("mean rank over 2 benchmark(s)"));
    }

    @Test
    void csvRoundTripsAndSummarizeRefusesARunInTwoFiles(@TempDir Path dir) throws IOException {
        List<EvaluationRow> rows = run("random+median:min_completed=3,warmup_steps=2", "f", 1, 3, 2.5e-13, -1e-3);
        Path a = dir.resolve("a.csv");
        try (var w = Files.newBufferedWriter(a)) {
            EvaluationCsv.writeHeader(w);
            for (EvaluationRow r : rows) {
                EvaluationCsv.write(w, r);
            }
        }
        assertEquals(rows, EvaluationCsv.read(a));
        Path b = dir.resolve("b.csv");
        Files.copy(a, b);
        BenchException e = assertThrows(BenchException.class,
                () -> BenchCommand.summarizeFiles(List.of(a, b), List.of(), dir.resolve("out")));
        assertTrue(e.getMessage().contains("appears in both"), e.getMessage());
        Summary s = BenchCommand.summarizeFiles(List.of(a), List.of(), dir.resolve("out"));
        assertEquals(-1e-3, s.cells().get(0).last().median(), "the CSV and the summary keep signed regret");
        assertTrue(Files.size(dir.resolve("out/plots/f-vs-trials.svg")) > 1000);
        assertTrue(Files.size(dir.resolve("out/plots/f-vs-time.png")) > 1000);
        assertTrue(Files.readString(dir.resolve("out/summary.md")).contains("| f | random+median"));
    }

    /** {@code bench --no-summary} prints a {@code bench summarize} command: it writes the summary, plots and anytime table. */
    @Test
    void theCommandPrintedForALaterSummaryWritesIt(@TempDir Path dir) throws IOException {
        BenchPlan plan = BenchPlan.from(java.util.Map.of("optimizers", "random,random+asha", "benchmarks", "f",
                "out", dir.resolve("run").toString(), "max-time", "12.5", "checkpoints", "2,3"));
        Files.createDirectories(plan.out());
        try (var w = Files.newBufferedWriter(plan.out().resolve("evaluations.csv"))) {
            EvaluationCsv.writeHeader(w);
            for (long seed = 1; seed <= 2; seed++) {
                for (EvaluationRow r : run("random", "f", seed, 3, 2, 1)) {
                    EvaluationCsv.write(w, r);
                }
                for (EvaluationRow r : run("random+asha", "f", seed, 2, 1, 0.5)) {
                    EvaluationCsv.write(w, r);
                }
            }
        }
        String later = BenchCommand.laterSummary(plan);
        assertEquals("hypatia bench summarize " + plan.out() + " --checkpoints 2,3 --time-budget 12.5", later);
        String[] args = later.substring("hypatia bench ".length()).split(" ");
        assertEquals(0, BenchCommand.run(args));
        assertTrue(Files.readString(plan.out().resolve("summary.md")).contains("| f | random+asha"));
        assertTrue(Files.readString(plan.out().resolve("anytime.md")).contains("random+asha"));
        assertTrue(Files.size(plan.out().resolve("plots/f-vs-trials.svg")) > 1000);
    }

    @Test
    void readingACsvReportsHowFarItGot(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("big.csv");
        int rows = 200_000;
        try (var w = Files.newBufferedWriter(csv)) {
            EvaluationCsv.writeHeader(w);
            double[] regrets = new double[rows];
            java.util.Arrays.fill(regrets, 0.25);
            for (EvaluationRow r : run("random", "f", 1, regrets)) {
                EvaluationCsv.write(w, r);
            }
        }
        List<Long> seen = new ArrayList<>();
        assertEquals(rows, EvaluationCsv.read(csv, (file, bytes) -> seen.add(bytes)).size());
        assertEquals(rows / 65_536, seen.size(), "every 65,536 lines");
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i) > seen.get(i - 1));
        }
        long size = Files.size(csv);
        assertTrue(seen.get(seen.size() - 1) <= size && seen.get(seen.size() - 1) > size * 0.9, seen + " of " + size);
    }

    @Test
    void anytimeTableMeasuresRegretAtTimeFractionsAndTheTimeToReachTheReference() {
        List<EvaluationRow> rows = new ArrayList<>();
        for (long seed = 1; seed <= 3; seed++) {
            rows.addAll(run("random", "f", seed, 8, 7, 6, 5, 4, 3, 2, 1)); // row k completes at time k
            rows.addAll(run("asha", "f", seed, 4, 2, 1, 0.5, 0.5, 0.5, 0.5, 0.5));
            // one seed of three reaches random's final regret: the median is "not reached"
            rows.addAll(run("slow", "f", seed, seed == 1 ? new double[] {1} : new double[] {9, 9, 9, 9, 9, 9, 9, 9}));
        }
        AnytimeTable table = new AnytimeTable(Summary.of(rows, List.of()), 8, "random", List.of(2.0));
        AnytimeTable.Row random = table.rows().get(0), asha = table.rows().get(1), slow = table.rows().get(2);
        assertEquals(1, random.target());
        assertEquals(7, random.atTime().get(0).median(), "regret at 25% of T = 2 s");
        assertEquals(5, random.atTime().get(1).median(), "at 50%");
        assertEquals(1, random.atTime().get(2).median(), "at 100%");
        assertEquals(8, random.timeToTarget());
        assertEquals(1, random.speedUp(8));
        assertEquals(3, asha.timeToTarget());
        assertEquals(8.0 / 3, asha.speedUp(8));
        assertEquals(3, asha.reached());
        assertEquals(8, asha.epochsAtEnd());
        assertEquals(2, asha.atEpochs().get(0).median(), "regret once 2 epochs were trained");
        assertEquals(Double.POSITIVE_INFINITY, slow.timeToTarget());
        assertEquals(1, slow.reached());
        assertTrue(table.markdown().contains("not reached"));
    }
}
