package io.hypatia.benchmark.tabular.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.InvalidSpaceException;
import io.hypatia.api.space.OrdinalParameter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loader and lookup logic on tiny hand-written tables; needs no shared data. */
class TabularBenchmarkTest {
    @TempDir
    Path dir;

    // act x bs x lr = 2 x 3 x 2 configs, rows out of grid order, one row missing its last seed.
    private static final String TINY = """
            act,bs,lr,valid_mse_seed0,valid_mse_seed1,valid_mse_seed2
            relu,32,0.5,0.9,0.8,0.7
            relu,8,0.5,0.30,0.20,0.10
            relu,16,0.5,0.5,0.5,0.5
            relu,8,1,0.25,0.45
            relu,16,1,0.6,0.6,0.6
            relu,32,1,0.6,0.6,0.6
            tanh,8,0.5,0.4,0.4,0.4
            tanh,16,0.5,0.15,0.35,0.25
            tanh,16,1,0.7,0.7,0.7
            tanh,32,0.5,0.7,0.7,0.7
            tanh,8,1,0.7,0.7,0.7
            tanh,32,1,0.7,0.7,0.7
            """;

    private TabularBenchmark tiny() throws IOException {
        write("hpolib/tiny.csv.gz", TINY);
        return TabularBenchmarks.load(dir, "fcnet-tiny");
    }

    @Test
    void gridBecomesTheSearchSpace() throws IOException {
        TabularBenchmark b = tiny();
        assertEquals("fcnet-tiny", b.name());
        assertEquals(12, b.size());
        assertEquals(3, b.seeds());
        assertEquals(new CategoricalParameter("act", List.of("relu", "tanh")), b.space().get("act"));
        assertEquals(new OrdinalParameter("bs", List.of(8L, 16L, 32L)), b.space().get("bs"));
        // One decimal in the column makes the whole column Double, in numeric order.
        assertEquals(new OrdinalParameter("lr", List.of(0.5, 1.0)), b.space().get("lr"));
    }

    @Test
    void lookupReturnsTheStoredSeedValues() throws IOException {
        TabularBenchmark b = tiny();
        int i = b.indexOf(Config.of(Map.of("act", "tanh", "bs", 16, "lr", 0.5)));
        assertEquals(Config.of(Map.of("act", "tanh", "bs", 16L, "lr", 0.5)), b.configAt(i));
        assertEquals(0.15f, (float) b.stored(i, 0));
        assertEquals(0.35f, (float) b.stored(i, 1));
        assertEquals(0.25f, (float) b.stored(i, 2));
        assertEquals(0.25, b.meanAt(i), 1e-7);
        Set<Double> drawn = new HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            double v = b.evaluate(b.configAt(i), 0, seed).value();
            assertEquals(v, b.evaluate(b.configAt(i), 0, seed).value(), "same seed, same value");
            drawn.add(v);
        }
        assertEquals(Set.of((double) 0.15f, (double) 0.35f, (double) 0.25f), drawn);
    }

    @Test
    void aMissingSeedIsDrawnAmongThePresentOnes() throws IOException {
        TabularBenchmark b = tiny();
        int i = b.indexOf(Config.of(Map.of("act", "relu", "bs", 8, "lr", 1.0)));
        assertTrue(Double.isNaN(b.stored(i, 2)));
        assertEquals(0.35, b.meanAt(i), 1e-7);
        Set<Double> drawn = new HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            drawn.add(b.evaluate(b.configAt(i), 0, seed).value());
        }
        assertEquals(Set.of((double) 0.25f, (double) 0.45f), drawn);
    }

    @Test
    void optimumIsTheBestMeanAndTheBestSingleValueIsKeptApart() throws IOException {
        TabularBenchmark b = tiny();
        assertEquals(0.20, b.optimalValue().getAsDouble(), 1e-7);
        assertEquals(Config.of(Map.of("act", "relu", "bs", 8L, "lr", 0.5)), b.bestMeanConfig());
        assertEquals(0.10, b.bestSingleValue(), 1e-7);
        assertEquals(Config.of(Map.of("act", "relu", "bs", 8L, "lr", 0.5)), b.bestSingleConfig());
    }

    @Test
    void offGridValuesAreRejectedWithTheAllowedValues() throws IOException {
        TabularBenchmark b = tiny();
        InvalidSpaceException e = assertThrows(InvalidSpaceException.class,
                () -> b.evaluate(Config.of(Map.of("act", "relu", "bs", 12, "lr", 0.5)), 0, 1));
        assertEquals("config.bs", e.field());
        assertTrue(e.getMessage().contains("allowed values: [8, 16, 32]"), e.getMessage());
        e = assertThrows(InvalidSpaceException.class,
                () -> b.evaluate(Config.of(Map.of("act", "gelu", "bs", 8, "lr", 0.5)), 0, 1));
        assertTrue(e.getMessage().contains("allowed values: [relu, tanh]"), e.getMessage());
        e = assertThrows(InvalidSpaceException.class, () -> b.evaluate(Config.of(Map.of("act", "relu", "bs", 8)), 0, 1));
        assertEquals("config.lr", e.field());
        e = assertThrows(InvalidSpaceException.class,
                () -> b.evaluate(Config.of(Map.of("act", "relu", "bs", 8, "lr", 0.5, "momentum", 0.9)), 0, 1));
        assertEquals("config.momentum", e.field());
    }

    @Test
    void incompleteOrRepeatedGridsAreRejected() throws IOException {
        write("hpolib/holes.csv.gz", "a,b,valid_mse_seed0\n1,x,0.5\n2,y,0.5\n");
        IOException e = assertThrows(IOException.class, () -> TabularBenchmarks.load(dir, "fcnet-holes"));
        assertTrue(e.getMessage().contains("2 rows, but the grid of its values has 4 configurations"), e.getMessage());
        write("hpolib/twice.csv.gz", "a,valid_mse_seed0\n1,0.5\n2,0.5\n1,0.7\n");
        assertThrows(IOException.class, () -> TabularBenchmarks.load(dir, "fcnet-twice"));
    }

    @Test
    void missingDataNamesTheExpectedPath() {
        Path missing = dir.resolve("nowhere/tabular");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> TabularBenchmarks.load(missing));
        assertTrue(e.getMessage().contains(missing.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("hpolib/"), e.getMessage());
    }

    @Test
    void registrationLoadsNothingUntilFirstUse() throws IOException {
        write("hpolib/tiny.csv.gz", TINY);
        TabularBenchmarks.TableFile table = TabularBenchmarks.find(dir).get(0);
        LazyTabularBenchmark lazy = new LazyTabularBenchmark(table);
        assertEquals("fcnet-tiny", lazy.name());
        assertEquals("valid_mse", lazy.objectives().get(0).name());
        assertFalse(lazy.isLoaded());
        assertEquals(0.20, lazy.optimalValue().getAsDouble(), 1e-7);
        assertTrue(lazy.isLoaded());
    }

    private void write(String relative, String csv) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(csv.getBytes(StandardCharsets.US_ASCII));
        }
    }
}
