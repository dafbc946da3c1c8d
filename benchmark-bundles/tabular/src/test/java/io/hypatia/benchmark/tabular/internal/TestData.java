package io.hypatia.benchmark.tabular.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Finds the shared benchmark data beside the checkout: ../shared/data from the repository root. */
final class TestData {
    private TestData() {
    }

    /** The folder that contains {@code tabular/}; surefire sets {@code basedir} to this module. */
    static Path dataDir() {
        String module = System.getProperty("basedir", System.getProperty("user.dir"));
        return Path.of(module).resolve("../../../shared/data").toAbsolutePath().normalize();
    }

    /** The tabular folder, or skips the calling test with a message naming the expected path. */
    static Path requireTabular() {
        Path tabular = dataDir().resolve("tabular");
        Assumptions.assumeTrue(Files.isDirectory(tabular), "skipped: tabular benchmark data not found at " + tabular
                + " (expected ../shared/data/tabular beside the checkout; see shared/data/README.md)");
        return tabular;
    }
}
