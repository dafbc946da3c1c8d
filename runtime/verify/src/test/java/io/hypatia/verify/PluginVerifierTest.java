package io.hypatia.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kit on fixture bundles built in the test: a correct sampler passes; each broken one
 * fails the check that describes its fault.
 */
class PluginVerifierTest {
    @TempDir
    Path dir;

    private Report verify(String fixture, Map<String, String> bnd, PluginVerifier.Options options) throws Exception {
        Report report = PluginVerifier.verify(List.of(FixtureBundles.build(fixture, dir, bnd)), options);
        System.out.print(report.table());
        return report;
    }

    private static String failedChecks(Report report) {
        return report.failures().stream().map(Report.Row::check).collect(Collectors.joining(","));
    }

    @Test
    void aCorrectSamplerPasses() throws Exception {
        Report report = verify("good", Map.of(), PluginVerifier.Options.defaults());
        assertTrue(report.passed(), report.table());
        assertEquals(List.of("resolve", "activate", "valid", "deterministic", "restart-stable", "concurrent", "time"),
                report.rows().stream().map(Report.Row::check).toList());
    }

    @Test
    void aBenchmarkOnADataSetIsCheckedWithItsDataFolder() throws Exception {
        Path data = java.nio.file.Files.createDirectories(dir.resolve("data/databench"));
        java.nio.file.Files.writeString(data.resolve("optimum.txt"), "0.3\n");
        Report report = verify("databench", Map.of(), PluginVerifier.Options.defaults().withBenchmarkData(dir.resolve("data")));
        assertTrue(report.passed(), report.table());
        assertEquals(List.of("resolve", "activate", "consistent", "time"), report.rows().stream().map(Report.Row::check).toList());
        assertTrue(report.table().contains("at the fidelity bounds"), report.table());

        Report without = verify("databench", Map.of(), PluginVerifier.Options.defaults());
        assertFalse(without.passed());
        assertEquals("services", failedChecks(without));
        assertTrue(without.table().contains("--benchmark-data DIR"), without.table());
    }

    @Test
    void aSamplerThatThrowsEveryThirdCallFails() throws Exception {
        Report report = verify("thirdcall", Map.of(), PluginVerifier.Options.defaults());
        assertEquals("valid", failedChecks(report));
        assertTrue(report.failures().get(0).detail().contains("call 3 ("), report.table());
    }

    @Test
    void aSamplerThatHangsFails() throws Exception {
        // The fixture never returns, so any limit is exceeded; a short one keeps the test quick.
        Report report = verify("hangs", Map.of(), PluginVerifier.Options.defaults().withCallTimeout(500));
        assertEquals("valid,time", failedChecks(report));
        assertTrue(report.failures().get(0).detail().contains("did not return within 500 ms"), report.table());
    }

    @Test
    void aSamplerReturningNaNFails() throws Exception {
        Report report = verify("nan", Map.of(), PluginVerifier.Options.defaults());
        assertEquals("valid", failedChecks(report));
        assertTrue(report.failures().get(0).detail().contains("invalid configuration"), report.table());
    }

    @Test
    void aSamplerKeepingStateAcrossStudiesFails() throws Exception {
        Report report = verify("stateful", Map.of(), PluginVerifier.Options.defaults());
        assertEquals("restart-stable", failedChecks(report));
    }

    @Test
    void aSamplerWhoseConstructorThrowsFails() throws Exception {
        Report report = verify("ctorthrows", Map.of(), PluginVerifier.Options.defaults());
        assertEquals("activate", failedChecks(report));
    }

    @Test
    void aSamplerBuiltAgainstANewerApiFailsToResolve() throws Exception {
        Report report = verify("newerapi", Map.of("Import-Package", "io.hypatia.api.sampler;version=\"[1.9,2)\",*"),
                PluginVerifier.Options.defaults());
        assertEquals("resolve", failedChecks(report));
        assertTrue(report.failures().get(0).detail().contains("io.hypatia.api.sampler"), report.table());
        assertFalse(report.passed());
    }
}
