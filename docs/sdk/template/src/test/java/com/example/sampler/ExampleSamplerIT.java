package com.example.sampler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.verify.PluginVerifier;
import io.hypatia.verify.Report;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs Hypatia's conformance kit on the packaged jar, exactly as `hypatia plugin verify` does. */
class ExampleSamplerIT {
    @Test
    void thePackagedJarPassesTheConformanceKit() {
        Report report = PluginVerifier.verify(List.of(Path.of(System.getProperty("plugin.jar"))));
        System.out.print(report.table());
        assertTrue(report.passed(), report.table());
    }
}
