package io.hypatia.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The Python client (clients/python) against the real service: installed with the README's
 * command into a venv under target/, its tests, and the scikit-learn and PyTorch example
 * trainers in a short mode. Needs Debian's python3-venv, python3-grpcio, python3-protobuf,
 * python3-sklearn, protobuf-compiler and protobuf-compiler-grpc (and python3-torch for the
 * PyTorch example); .ci/run installs them. Skipped with a message where they are missing.
 */
public class PythonClientIT {
    private static final String PYTHON = "/usr/bin/python3";
    private static ServiceFixture fixture;
    private static Path repo;
    private static Path python;

    @BeforeClass
    public static void installAndStart() throws Exception {
        repo = Path.of(System.getProperty("hypatia.it.clients")).getParent().normalize();
        assumeTrue("/usr/bin/python3 with venv, grpc, google.protobuf and sklearn, and protoc with grpc_python_plugin, are "
                + "needed (apt-get install python3-venv python3-grpcio python3-protobuf python3-sklearn protobuf-compiler "
                + "protobuf-compiler-grpc)",
                Processes.run(List.of(PYTHON, "-c", "import venv, ensurepip, grpc, google.protobuf, sklearn")).ok()
                        && Processes.run(List.of("sh", "-c", "command -v protoc && command -v grpc_python_plugin")).ok());
        Path venv = Path.of(System.getProperty("hypatia.it.work"), "python-venv");
        ServiceFixture.deleteTree(venv);
        Files.createDirectories(venv.getParent());
        // The README's install command, run as written from the checkout (only the venv's folder differs).
        String install = readmeInstallCommand().replace(".venv", venv.toString());
        Processes.Result installed = Processes.run(List.of("bash", "-c", install), repo, Map.of(), 600);
        assertEquals(install + "\n" + installed.output(), 0, installed.exit());
        python = venv.resolve("bin/python");
        fixture = ServiceFixture.start();
    }

    /** The line of README.md that installs the Python client. */
    static String readmeInstallCommand() throws Exception {
        Matcher m = Pattern.compile("(?m)^(.*-m venv --system-site-packages .*pip install .*clients/python)$")
                .matcher(Files.readString(repo.resolve("README.md")));
        assertTrue("README.md shows the Python client's install command", m.find());
        return m.group(1);
    }

    @AfterClass
    public static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static String target() {
        return "127.0.0.1:" + fixture.port();
    }

    @Test
    public void pythonClientTestsPass() throws Exception {
        Processes.Result r = Processes.run(List.of(python.toString(), "-m", "unittest", "discover", "-s",
                repo.resolve("clients/python/tests").toString(), "-v"), repo, Map.of("HYPATIA_TARGET", target()), 600);
        System.out.println(r.output());
        assertEquals(r.output(), 0, r.exit());
        assertTrue(r.output(), r.output().contains("OK"));
    }

    /** tests/test_security.py against `hypatia serve` with a token file and TLS (a self-signed certificate). */
    @Test
    public void aTokenOverTlsWorksAndABadTokenIsUnauthenticated() throws Exception {
        try (SecuredService secured = SecuredService.start()) {
            Processes.Result r = Processes.run(List.of(python.toString(), "-m", "unittest", "discover", "-s",
                    repo.resolve("clients/python/tests").toString(), "-p", "test_security.py", "-v"), repo,
                    Map.of("HYPATIA_SECURE_TARGET", secured.target(), "HYPATIA_TOKEN", secured.token,
                            "HYPATIA_CA", secured.ca.toString()), 300);
            System.out.println(r.output());
            assertEquals(r.output(), 0, r.exit());
            assertTrue(r.output(), r.output().contains("Ran 4 tests") && r.output().contains("OK")
                    && !r.output().contains("skipped"));
        }
    }

    @Test
    public void sklearnExampleTrainerRunsWithEarlyStopping() throws Exception {
        Processes.Result r = Processes.run(List.of(python.toString(), "clients/python/examples/sklearn_digits.py",
                "--target", target(), "--trials", "12", "--workers", "2"), repo, Map.of(), 600);
        System.out.println(r.output());
        assertEquals(r.output(), 0, r.exit());
        assertTrue(r.output(), r.output().matches(
                "(?s).*12 trials \\(\\d+ stopped early by the median rule\\); best trial #\\d+: val_error 0\\.\\d+.*"));
    }

    @Test
    public void pytorchExampleTrainerRunsUnderAshaPromotionInShortMode() throws Exception {
        assumeTrue("python3-torch is needed for the PyTorch example (apt-get install python3-torch)",
                Processes.run(List.of(PYTHON, "-c", "import torch")).ok());
        Path checkpoints = Path.of(System.getProperty("hypatia.it.work"), "pytorch-checkpoints");
        Processes.Result r = Processes.run(List.of(python.toString(), "clients/python/examples/pytorch_mlp.py",
                "--target", target(), "--trials", "12", "--workers", "4", "--epochs", "3", "--seeds", "2",
                // no time budget here: 12 hand-outs, however slow a loaded build machine is
                "--timeout", "900", "--checkpoint-dir", checkpoints.toString()), repo, Map.of(), 900);
        System.out.println(r.output());
        assertEquals(r.output(), 0, r.exit());
        // ASHA promotion with rungs at 1 and 3 epochs: trials pause at 1, the best resume from
        // their torch.save checkpoints and complete at 3.
        assertTrue(r.output(), r.output().matches("(?s).*\\d+ trials \\(.*\\) from 12 hand-outs under (asha|median) in [0-9.]+ s with 4 workers.*"
                + "defaults trained for 3 epochs: val accuracy 0\\.\\d+, test accuracy 0\\.\\d+ \\(mean of 2 seeds\\)\n"
                + "best trial #\\d+: val accuracy 0\\.\\d+, test accuracy 0\\.\\d+.*\n"
                + "retrained with seeds 0..1, test accuracy: defaults 0\\.\\d+ 0\\.\\d+, tuned 0\\.\\d+ 0\\.\\d+\n"
                + "test error 0\\.\\d+ \\(defaults\\) -> 0\\.\\d+ \\(tuned\\), .* tuned better with \\d of 2 seeds;.*"));
    }
}
