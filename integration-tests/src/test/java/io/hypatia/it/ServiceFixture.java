package io.hypatia.it;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.hypatia.engine.StudyEngine;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.launcher.HypatiaServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real service for a test class: Felix with Declarative Services, a deploy folder holding
 * the plugin bundles this build produced, a SQLite store in a temp folder, the engine and the
 * gRPC gateway on a free loopback port.
 */
public final class ServiceFixture implements AutoCloseable {
    private final Path workDir;
    private final HypatiaServer server;
    private final ManagedChannel channel;

    private ServiceFixture(Path workDir, HypatiaServer server) {
        this.workDir = workDir;
        this.server = server;
        this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    }

    public static ServiceFixture start() throws Exception {
        return start(false);
    }

    /** The same service with the dashboard and /metrics on a free loopback port ({@code server().httpPort()}). */
    public static ServiceFixture startWithDashboard() throws Exception {
        return start(true);
    }

    private static ServiceFixture start(boolean dashboard) throws Exception {
        Path work = Files.createTempDirectory("hypatia-it");
        Path deploy = Files.createDirectories(work.resolve("deploy"));
        try (Stream<Path> jars = Files.list(bundlesDir())) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, deploy.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        HypatiaServer.Options options = options(work.resolve("data"), deploy, 0);
        return new ServiceFixture(work, HypatiaServer.start(dashboard ? options.withHttp("127.0.0.1", 0) : options));
    }

    /** Options for a service on {@code port} over the given folders, with this build's system bundles. */
    public static HypatiaServer.Options options(Path dataDir, Path deployDir, int port) {
        Path data = benchmarkData();
        return new HypatiaServer.Options(dataDir, deployDir, Path.of(property("hypatia.it.system")), "127.0.0.1", port,
                true, Files.isDirectory(data) ? data : null, 200);
    }

    /** Plugin bundles built by this reactor (copied there before the integration tests). */
    public static Path bundlesDir() {
        return Path.of(property("hypatia.it.bundles"));
    }

    /** A fresh {@code deploy} folder in {@code work} holding only the random sampler. */
    public static Path deployWithRandomSampler(Path work) throws java.io.IOException {
        Path deploy = Files.createDirectories(work.resolve("deploy"));
        Files.copy(bundlesDir().resolve("hypatia-sampler-random.jar"), deploy.resolve("random.jar"));
        return deploy;
    }

    /** The shared benchmark data folder beside the checkout (may be absent). */
    public static Path benchmarkData() {
        return Path.of(property("hypatia.it.benchmark.data")).normalize();
    }

    private static String property(String name) {
        String v = System.getProperty(name);
        if (v == null) {
            throw new IllegalStateException("system property " + name + " is not set; run the tests through Maven (failsafe)");
        }
        return v;
    }

    public StudyEngine engine() {
        return server.engine();
    }

    public HypatiaServer server() {
        return server;
    }

    public int port() {
        return server.port();
    }

    public Path deployDir() {
        return workDir.resolve("deploy");
    }

    public ManagedChannel channel() {
        return channel;
    }

    public HypatiaServiceGrpc.HypatiaServiceBlockingStub stub() {
        return HypatiaServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        channel.shutdownNow();
        server.close();
        deleteTree(workDir);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
