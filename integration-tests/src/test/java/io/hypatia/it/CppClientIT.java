package io.hypatia.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The C++ client (clients/cpp) against the real service: configured and built with CMake
 * under target/, then its test program and the digits MLP example trainer (several worker
 * processes under ASHA promotion, resuming promoted trials from checkpoint files). Needs Debian's cmake, g++, pkg-config, libgrpc++-dev,
 * libprotobuf-dev, protobuf-compiler, protobuf-compiler-grpc, zlib1g-dev and python3-sklearn
 * (the data file); .ci/run installs them. Skipped with a message where they are missing.
 */
public class CppClientIT {
    private static final String DIGITS = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";
    private static ServiceFixture fixture;
    private static Path build;

    @BeforeClass
    public static void buildAndStart() throws Exception {
        assumeTrue("cmake, g++, pkg-config, grpc++ and protoc with grpc_cpp_plugin are needed (apt-get install cmake g++ "
                + "pkg-config libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc zlib1g-dev)",
                Processes.run(List.of("sh", "-c", "command -v cmake && command -v g++ && command -v grpc_cpp_plugin "
                        + "&& pkg-config --exists grpc++ protobuf zlib")).ok());
        Path source = Path.of(System.getProperty("hypatia.it.clients"), "cpp").normalize();
        build = Path.of(System.getProperty("hypatia.it.work"), "cpp-build");
        Processes.Result configured = Processes.run(List.of("cmake", "-S", source.toString(), "-B", build.toString(),
                "-DCMAKE_BUILD_TYPE=Release"), null, Map.of(), 300);
        assertEquals(configured.output(), 0, configured.exit());
        Processes.Result built = Processes.run(List.of("cmake", "--build", build.toString(), "-j", "2"), null, Map.of(), 1800);
        assertEquals(built.output(), 0, built.exit());
        fixture = ServiceFixture.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    public void cppClientTestsPass() throws Exception {
        Processes.Result r = Processes.run(List.of(build.resolve("client_test").toString(), "127.0.0.1:" + fixture.port()),
                null, Map.of(), 300);
        System.out.println(r.output());
        assertEquals(r.output(), 0, r.exit());
        assertTrue(r.output(), r.output().contains("ALL PASSED"));
    }

    /** client_test --secure against `hypatia serve` with a token file and TLS (a self-signed certificate). */
    @Test
    public void aTokenOverTlsWorksAndABadTokenIsUnauthenticated() throws Exception {
        try (SecuredService secured = SecuredService.start()) {
            Processes.Result r = Processes.run(List.of(build.resolve("client_test").toString(), "--secure", secured.target(),
                    secured.token, secured.ca.toString()), null, Map.of(), 300);
            System.out.println(r.output());
            assertEquals(r.output(), 0, r.exit());
            assertTrue(r.output(), r.output().contains("PASS bad token: ") && r.output().contains("ALL PASSED"));
        }
    }

    @Test
    public void digitsExampleTrainerRunsUnderAshaPromotion() throws Exception {
        assumeTrue("the digits data set of python3-sklearn is needed (" + DIGITS + ")", java.nio.file.Files.isReadable(Path.of(DIGITS)));
        Processes.Result r = Processes.run(List.of(build.resolve("digits_mlp").toString(), "--target",
                "127.0.0.1:" + fixture.port(), "--trials", "12", "--workers", "3", "--epochs", "3",
                "--checkpoint-dir", build.resolve("checkpoints").toString()), null, Map.of(), 600);
        System.out.println(r.output());
        assertEquals(r.output(), 0, r.exit());
        // ASHA promotion with rungs at 1 and 3 epochs: trials pause at 1; the best are promoted,
        // resume from their checkpoint files and complete at 3.
        assertTrue(r.output(), r.output().matches("(?s).*\\d+ trials \\(.*\\) under median in [0-9.]+ s with 3 workers\n"
                + "best trial #\\d+: val_accuracy 0\\.\\d+ with .*"));
    }
}
