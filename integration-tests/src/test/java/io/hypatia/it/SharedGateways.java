package io.hypatia.it;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.ListPluginsRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.Assume;

/**
 * Several `hypatia serve` processes on one fresh PostgreSQL database (dropped on close), each
 * with its own data folder and the given plugin bundles, and a plain channel to each. Needs a
 * PostgreSQL server: HYPATIA_TEST_PG_URL, HYPATIA_TEST_PG_USER and HYPATIA_TEST_PG_PASSWORD
 * (`eval "$(.ci/postgres start DIR)"` starts one); skips the test without it, except with
 * CI=true, where it fails.
 */
final class SharedGateways implements AutoCloseable {
    private final List<ChildService> gateways = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final Path work;
    private final String admin, user, password, database;

    private SharedGateways(Path work, String admin, String user, String password, String database) {
        this.work = work;
        this.admin = admin;
        this.user = user;
        this.password = password;
        this.database = database;
    }

    private static String setting(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            String why = name + " is not set; start a test server with `eval \"$(.ci/postgres start /tmp/hypatia-pg)\"`";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(why + " (CI=true: PostgreSQL is required)");
            }
            Assume.assumeTrue(why, false);
        }
        return v;
    }

    /** Starts {@code count} gateways with these bundles (names without .jar) and waits until each serves. */
    static SharedGateways start(int count, String... bundles) throws Exception {
        String server = setting("HYPATIA_TEST_PG_URL");
        String user = setting("HYPATIA_TEST_PG_USER");
        String password = System.getenv().getOrDefault("HYPATIA_TEST_PG_PASSWORD", "");
        String database = "hypatia_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String admin = "jdbc:" + server;
        try (Connection c = DriverManager.getConnection(admin, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        SharedGateways g = new SharedGateways(Files.createTempDirectory("hypatia-shared"), admin, user, password, database);
        try {
            String url = server.substring(0, server.lastIndexOf('/') + 1) + database;
            Path deploy = Files.createDirectories(g.work.resolve("deploy"));
            for (String jar : bundles) {
                Files.copy(ServiceFixture.bundlesDir().resolve(jar + ".jar"), deploy.resolve(jar + ".jar"));
            }
            Path credentials = g.work.resolve("pg-credentials");
            Files.writeString(credentials, "# the role the gateways connect as\nuser=" + user + "\npassword=" + password + "\n");
            for (int i = 0; i < count; i++) {
                g.gateways.add(ChildService.start(g.work.resolve("data-" + i), deploy, "--port", "0", "--store", url,
                        "--store-credentials", credentials.toString()));
            }
            for (ChildService gateway : g.gateways) {
                int port = gateway.awaitServing();
                g.ports.add(port);
                g.channels.add(ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
            }
            return g;
        } catch (Exception | Error e) {
            g.close();
            throw e;
        }
    }

    /** All gateways as one client target: {@code 127.0.0.1:p1,127.0.0.1:p2,...}. */
    String target() {
        StringJoiner j = new StringJoiner(",");
        ports.forEach(p -> j.add("127.0.0.1:" + p));
        return j.toString();
    }

    /** A stub to gateway {@code i} alone, with a 60 s deadline. */
    HypatiaServiceGrpc.HypatiaServiceBlockingStub stub(int i) {
        return HypatiaServiceGrpc.newBlockingStub(channels.get(i)).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    /** Waits until every gateway has loaded the plugin {@code name} of {@code kind} ("sampler", "scheduler"). */
    void awaitPlugin(String kind, String name) throws InterruptedException {
        for (int i = 0; i < gateways.size(); i++) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (stub(i).listPlugins(ListPluginsRequest.getDefaultInstance()).getPluginsList().stream()
                    .noneMatch(p -> p.getKind().equals(kind) && p.getName().equals(name))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(kind + " '" + name + "' was not loaded by gateway " + i + " within 120 s");
                }
                Thread.sleep(100);
            }
        }
    }

    /** kill -9 of gateway {@code i}. */
    void kill(int i) throws InterruptedException {
        gateways.get(i).kill();
    }

    @Override
    public void close() throws Exception {
        channels.forEach(ManagedChannel::shutdownNow);
        for (ChildService g : gateways) {
            g.stop();
        }
        ServiceFixture.deleteTree(work);
        try (Connection c = DriverManager.getConnection(admin, user, password); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }
}
