package io.hypatia.benchmark.yahpo.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** Finds the shared benchmark data beside the checkout: ../shared/data from the repository root. */
final class TestData {
    private static final Map<Scenario, YahpoScenario> OPEN = new EnumMap<>(Scenario.class);

    private TestData() {
    }

    /** The folder that contains {@code yahpo/}; surefire sets {@code basedir} to this module. */
    static Path dataDir() {
        String module = System.getProperty("basedir", System.getProperty("user.dir"));
        return Path.of(module).resolve("../../../shared/data").toAbsolutePath().normalize();
    }

    /** The YAHPO folder, or skips the calling test with a message naming the expected path. */
    static Path requireYahpo() {
        Path yahpo = dataDir().resolve("yahpo");
        Assumptions.assumeTrue(Files.isDirectory(yahpo), "skipped: YAHPO data not found at " + yahpo
                + " (expected ../shared/data/yahpo beside the checkout; see shared/data/README.md)");
        return yahpo;
    }

    /** One scenario, opened once per test JVM so that its ONNX session is shared; skips when absent. */
    static synchronized YahpoScenario scenario(Scenario s) {
        Path yahpo = requireYahpo();
        Assumptions.assumeTrue(Files.isDirectory(yahpo.resolve(s.id())), "skipped: YAHPO scenario " + s.id() + " not found in " + yahpo);
        return OPEN.computeIfAbsent(s, k -> {
            try {
                return YahpoBenchmarks.open(yahpo, k);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
