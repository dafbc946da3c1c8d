package io.hypatia.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The Python client (clients/python) against the real service: its unit tests, and the
 * scikit-learn example trainer with the median-stopping scheduler. Needs Debian's
 * python3-grpcio, python3-protobuf, python3-sklearn, protobuf-compiler and
 * protobuf-compiler-grpc (.ci/run installs them); skipped with a message where they are missing.
 */
public class PythonClientIT {
    private static final String PYTHON = "/usr/bin/python3";
    private static ServiceFixture fixture;
    private static Path clientDir;

    @BeforeClass
    public static void start() throws Exception {
        clientDir = Path.of(System.getProperty("hypatia.it.clients"), "python").normalize();
        assumeTrue("/usr/bin/python3 with grpc, google.protobuf and sklearn, and protoc with grpc_python_plugin, are needed "
                + "(apt-get install python3-grpcio python3-protobuf python3-sklearn protobuf-compiler protobuf-compiler-grpc)",
                run(List.of(PYTHON, "-c", "import grpc, google.protobuf, sklearn"), Map.of()).exit == 0
                        && run(List.of("sh", "-c", "command -v protoc && command -v grpc_python_plugin"), Map.of()).exit == 0);
        Result generated = run(List.of("bash", clientDir.resolve("generate.sh").toString()), Map.of());
        assertEquals(generated.output, 0, generated.exit);
        fixture = ServiceFixture.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    public void pythonClientTestsPass() throws Exception {
        Result r = run(List.of(PYTHON, "-m", "unittest", "discover", "-s", clientDir.resolve("tests").toString(), "-v"),
                Map.of("HYPATIA_TARGET", "127.0.0.1:" + fixture.port()));
        System.out.println(r.output);
        assertEquals(r.output, 0, r.exit);
        assertTrue(r.output, r.output.contains("OK"));
    }

    @Test
    public void sklearnExampleTrainerRunsWithEarlyStopping() throws Exception {
        Result r = run(List.of(PYTHON, clientDir.resolve("examples/sklearn_digits.py").toString(), "--target",
                "127.0.0.1:" + fixture.port(), "--trials", "16", "--workers", "2"), Map.of());
        System.out.println(r.output);
        assertEquals(r.output, 0, r.exit);
        assertTrue(r.output, r.output.matches("(?s).*16 trials \\(\\d+ stopped early by the median rule\\); best trial #\\d+: val_error 0\\.\\d+.*"));
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(127, e.getMessage());
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(124, "timed out: " + command);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
