package io.hypatia.launcher;

import io.hypatia.verify.PluginVerifier;
import io.hypatia.verify.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@code hypatia plugin verify JAR...}: the conformance kit on the command line. */
final class PluginCommand {
    private PluginCommand() {
    }

    static int run(String[] args) throws IOException {
        if (args.length < 2 || !args[1].equals("verify")) {
            throw new Args.UsageException("usage: hypatia plugin verify [--system-dir DIR] [--timeout-ms N] [--benchmark-data DIR] JAR...");
        }
        List<String> jars = new ArrayList<>();
        String systemDir = null;
        String benchmarkData = System.getenv("HYPATIA_BENCHMARK_DATA");
        long timeout = PluginVerifier.DEFAULT_CALL_TIMEOUT_MILLIS;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--system-dir" -> systemDir = value(args, ++i, "--system-dir");
                case "--benchmark-data" -> benchmarkData = value(args, ++i, "--benchmark-data");
                case "--timeout-ms" -> {
                    try {
                        timeout = Long.parseLong(value(args, ++i, "--timeout-ms"));
                    } catch (NumberFormatException e) {
                        throw new Args.UsageException("--timeout-ms must be a whole number of milliseconds");
                    }
                }
                default -> jars.add(args[i]);
            }
        }
        if (jars.isEmpty()) {
            throw new Args.UsageException("plugin verify needs at least one jar");
        }
        for (String jar : jars) {
            if (!Files.isRegularFile(Path.of(jar))) {
                throw new Args.UsageException("no such file: " + jar);
            }
        }
        String home = System.getProperty("hypatia.home");
        Path system = systemDir != null ? Path.of(systemDir) : home != null ? Path.of(home, "system") : null;
        if (system == null || !Files.isDirectory(system)) {
            throw new Args.UsageException("--system-dir is required when not started through bin/hypatia");
        }
        List<Path> systemJars;
        try (Stream<Path> files = Files.list(system)) {
            systemJars = files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        PluginVerifier.Options options = PluginVerifier.Options.forSystemBundles(systemJars).withCallTimeout(timeout);
        if (benchmarkData != null && !benchmarkData.isBlank()) {
            if (!Files.isDirectory(Path.of(benchmarkData))) {
                throw new Args.UsageException("--benchmark-data " + benchmarkData + " is not a folder");
            }
            options = options.withBenchmarkData(Path.of(benchmarkData));
        }
        System.out.println("verifying " + String.join(", ", jars) + " (each plugin call limited to " + timeout + " ms)");
        Report report = PluginVerifier.verify(jars.stream().map(Path::of).toList(), options);
        System.out.print(report.table());
        return report.passed() ? 0 : 1;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new Args.UsageException(option + " needs a value");
        }
        return args[i];
    }
}
