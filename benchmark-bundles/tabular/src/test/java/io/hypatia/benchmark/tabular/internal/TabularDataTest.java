package io.hypatia.benchmark.tabular.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.space.Config;
import io.hypatia.api.space.InvalidSpaceException;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.study.Direction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The 15 shipped tables in ../shared/data/tabular; skipped when that folder is absent. */
class TabularDataTest {
    private static Map<String, TabularBenchmark> tables;

    // Loaded once for the class; each test then skips on its own, so every skip is reported with its reason.
    @BeforeEach
    void loadAllOnce() throws IOException {
        Path tabular = TestData.requireTabular();
        if (tables == null) {
            tables = new TreeMap<>();
            for (TabularBenchmark b : TabularBenchmarks.load(tabular)) {
                tables.put(b.name(), b);
            }
        }
    }

    @Test
    void rowCountsGridsAndSeedsMatchTheReadme() {
        assertEquals(15, tables.size(), tables.keySet().toString());
        for (TabularBenchmark b : tables.values()) {
            int[] grid = b.space().parameters().stream().mapToInt(p -> b.choices(p.name()).size()).toArray();
            switch (b.family()) {
                case FCNET -> {
                    assertEquals(62_208, b.size(), b.name());
                    assertEquals(4, b.seeds(), b.name());
                    assertArrayEquals(new int[] {2, 2, 4, 3, 3, 6, 2, 6, 6}, grid, b.name());
                }
                case HPOBENCH_MLP -> {
                    assertEquals(30_000, b.size(), b.name());
                    assertEquals(5, b.seeds(), b.name());
                    assertArrayEquals(new int[] {10, 10, 3, 10, 10}, grid, b.name());
                }
                case NB201 -> {
                    assertEquals(15_625, b.size(), b.name());
                    assertEquals(3, b.seeds(), b.name());
                    assertArrayEquals(new int[] {5, 5, 5, 5, 5, 5}, grid, b.name());
                }
            }
        }
        assertEquals(Set.of("fcnet-naval_propulsion", "fcnet-parkinsons_telemonitoring", "fcnet-protein_structure",
                "fcnet-slice_localization", "hpobench-mlp-australian", "hpobench-mlp-blood_transfusion", "hpobench-mlp-car",
                "hpobench-mlp-credit_g", "hpobench-mlp-kc1", "hpobench-mlp-phoneme", "hpobench-mlp-segment",
                "hpobench-mlp-vehicle", "nb201-cifar10", "nb201-cifar100", "nb201-imagenet"), tables.keySet());
    }

    // Rows picked with `zcat <file> | grep '^<values>,'`.
    @Test
    void lookupsReturnTheStoredValues() {
        assertRow("fcnet-naval_propulsion", "tanh,relu,32,0.3,0.6,0.01,const,128,64",
                0.10019852221012115, 0.09932880103588104, 0.09098969399929047, 0.08199753612279892);
        assertRow("fcnet-slice_localization", "relu,tanh,16,0.0,0.3,0.0005,cosine,512,256",
                0.0012109305243939161, 0.0010217410745099187, 0.001105309696868062, 0.0009481525048613548);
        assertRow("hpobench-mlp-australian", "0.00027825593,64,2,0.0016681006,1024",
                0.9308367071524967, 0.9132446500867553, 0.9220647773279352, 0.9308367071524967, 0.9505976479660689);
        assertRow("hpobench-mlp-vehicle", "1,4,3,1,16", 0.25, 0.25, 0.25, 0.25, 0.25);
        assertRow("nb201-cifar10", "nor_conv_3x3,nor_conv_3x3,nor_conv_3x3,skip_connect,nor_conv_3x3,nor_conv_3x3",
                91.49999998291015, 91.47599999511719, 91.68399999267578);
        // NAS-Bench-201 ran some cells with 2 of 3 seeds: the file row simply ends early.
        assertRow("nb201-imagenet", "avg_pool_3x3,skip_connect,none,nor_conv_1x1,skip_connect,nor_conv_3x3",
                37.53333327229818, 37.56666662597656, Double.NaN);
    }

    private static void assertRow(String name, String csvValues, double... expected) {
        TabularBenchmark b = tables.get(name);
        Config config = parse(b, csvValues);
        int i = b.indexOf(config);
        Set<Double> stored = new HashSet<>();
        for (int s = 0; s < expected.length; s++) {
            // Values are kept as float: equal to the file up to float rounding (relative 6e-8).
            if (Double.isNaN(expected[s])) {
                assertTrue(Double.isNaN(b.stored(i, s)), name + " seed " + s + " should be missing");
            } else {
                assertEquals(expected[s], b.stored(i, s), Math.abs(expected[s]) * 1e-7, name + " seed " + s);
                stored.add(b.stored(i, s));
            }
        }
        Set<Double> drawn = new HashSet<>();
        for (long seed = 0; seed < 40; seed++) {
            drawn.add(b.evaluate(config, 0, seed).value());
        }
        assertEquals(stored, drawn, name + ": seeds 0..39 should draw every stored seed's value");
    }

    /** A file row's parameter values, typed the way a client would send them (numbers as numbers). */
    private static Config parse(TabularBenchmark b, String csvValues) {
        String[] tokens = csvValues.split(",");
        List<Parameter> params = b.space().parameters();
        Map<String, Object> values = new LinkedHashMap<>();
        for (int j = 0; j < tokens.length; j++) {
            String t = tokens[j];
            values.put(params.get(j).name(), t.matches("-?\\d+") ? (Object) Long.parseLong(t)
                    : t.matches("[-0-9.eE]+") ? (Object) Double.parseDouble(t) : t);
        }
        return Config.of(values);
    }

    /** An independent, slow scan of every file in doubles must agree with the loader's optimum. */
    @Test
    void reportedOptimumEqualsABruteForceScan() throws IOException {
        for (TabularBenchmark b : tables.values()) {
            Direction d = b.family().direction();
            double bestMean = Double.NaN, bestSingle = Double.NaN;
            String file = b.family().folder() + "/" + b.dataset() + ".csv.gz";
            try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                    Files.newInputStream(TestData.requireTabular().resolve(file)))))) {
                int params = b.space().size();
                in.readLine();
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    String[] f = line.split(",");
                    double sum = 0;
                    for (int k = params; k < f.length; k++) {
                        double v = Double.parseDouble(f[k]);
                        sum += v;
                        bestSingle = Double.isNaN(bestSingle) || d.better(v, bestSingle) ? v : bestSingle;
                    }
                    double mean = sum / (f.length - params);
                    bestMean = Double.isNaN(bestMean) || d.better(mean, bestMean) ? mean : bestMean;
                }
            }
            assertEquals(bestMean, b.optimalValue().getAsDouble(), Math.abs(bestMean) * 1e-6, b.name());
            assertEquals(bestMean, b.bestMean(), Math.abs(bestMean) * 1e-6, b.name());
            assertEquals(bestSingle, b.bestSingleValue(), Math.abs(bestSingle) * 1e-6, b.name());
            assertEquals(b.bestMean(), b.meanAt(b.indexOf(b.bestMeanConfig())), b.name());
            assertTrue(!d.better(b.bestMean(), b.bestSingleValue()), b.name() + ": no mean beats the best single value");
        }
    }

    @Test
    void sameSeedSameValueAndSeedsSpreadOverTheColumns() {
        TabularBenchmark b = tables.get("hpobench-mlp-kc1");
        SplittableRandom random = new SplittableRandom(7);
        for (int t = 0; t < 100; t++) {
            Config c = b.space().sampleUniform(random);
            long seed = random.nextLong();
            assertEquals(b.evaluate(c, 0, seed).value(), b.evaluate(c, 100, seed).value());
        }
        int[] hits = new int[b.seeds()];
        for (long seed = 0; seed < 1000; seed++) {
            hits[b.seedColumn(seed)]++;
        }
        for (int h : hits) {
            assertTrue(h > 150, "seed columns should be drawn about equally: " + Arrays.toString(hits));
        }
    }

    @Test
    void aStudyMadeFromTheSpaceOnlyProposesGridPoints() {
        TabularBenchmark b = tables.get("fcnet-protein_structure");
        SplittableRandom random = new SplittableRandom(1);
        for (int t = 0; t < 1000; t++) {
            Config c = b.space().validate(b.space().sampleUniform(random));
            assertTrue(Double.isFinite(b.evaluate(c, 0, t).value()));
        }
        Map<String, Object> offGrid = new LinkedHashMap<>(b.bestMeanConfig().values());
        offGrid.put("init_lr", 0.003);
        InvalidSpaceException e = assertThrows(InvalidSpaceException.class, () -> b.evaluate(Config.of(offGrid), 0, 0));
        assertEquals("config.init_lr", e.field());
        assertTrue(e.getMessage().contains("allowed values: [5.0E-4, 0.001, 0.005, 0.01, 0.05, 0.1]"), e.getMessage());
    }
}
