package io.hypatia.it;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.ListPluginsRequest;
import io.hypatia.engine.store.PostgresStore;
import io.hypatia.engine.store.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.junit.Assume;

/**
 * Several `hypatia serve` processes on one fresh PostgreSQL database (dropped on close), each
 * with its own data folder and the given plugin bundles, and a plain channel to each. Needs a
 * PostgreSQL server: HYPATIA_TEST_PG_URL, HYPATIA_TEST_PG_USER and HYPATIA_TEST_PG_PASSWORD
 * (`eval "$(.ci/postgres start DIR)"` starts one); skips the test without it, except with
 * CI=true, where it fails.
 *
 * <p>Each gateway's output (its log) is written to {@code target/shared-gateways/NAME-gateway-I.log}
 * on close, and {@link #printTails} shows the last lines of each when a test fails.
 */
final class SharedGateways implements AutoCloseable {
    private final List<ChildService> gateways = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final Path work;
    private final TestPostgres.Database database;
    private final String name;

    private SharedGateways(Path work, TestPostgres.Database database, String name) {
        this.work = work;
        this.database = database;
        this.name = name;
    }

    /**
     * Starts {@code count} gateways with these bundles (names without .jar) and waits until each
     * serves; {@code name} names their log files.
     */
    static SharedGateways start(String name, int count, String... bundles) throws Exception {
        TestPostgres.Database database = TestPostgres.createDatabase(why -> Assume.assumeTrue(why, false));
        PostgresStore.Credentials login = TestPostgres.credentials();
        SharedGateways g = new SharedGateways(Files.createTempDirectory("hypatia-shared"), database, name);
        try {
            String url = database.url();
            Path deploy = Files.createDirectories(g.work.resolve("deploy"));
            for (String jar : bundles) {
                Files.copy(ServiceFixture.bundlesDir().resolve(jar + ".jar"), deploy.resolve(jar + ".jar"));
            }
            Path credentials = g.work.resolve("pg-credentials");
            Files.writeString(credentials, "# the role the gateways connect as\nuser=" + login.user() + "\npassword=" + login.password() + "\n");
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

    /** Prints the last {@code lines} lines of each gateway's output to stderr (for a failed test). */
    void printTails(int lines) {
        for (int i = 0; i < gateways.size(); i++) {
            List<String> out;
            synchronized (gateways.get(i).output) {
                out = new ArrayList<>(gateways.get(i).output);
            }
            System.err.println("---- gateway " + i + " (port " + (i < ports.size() ? ports.get(i) : "?") + "): last "
                    + Math.min(lines, out.size()) + " of " + out.size() + " lines ----");
            out.subList(Math.max(0, out.size() - lines), out.size()).forEach(System.err::println);
        }
        System.err.println("---- full logs: " + logDir().toAbsolutePath() + " ----");
    }

    private Path logDir() {
        return Path.of("target", "shared-gateways");
    }

    /** Keeps each gateway's whole output under target/shared-gateways. */
    private void saveLogs() {
        try {
            Files.createDirectories(logDir());
            for (int i = 0; i < gateways.size(); i++) {
                synchronized (gateways.get(i).output) {
                    Files.write(logDir().resolve(name + "-gateway-" + i + ".log"), gateways.get(i).output);
                }
            }
        } catch (IOException e) {
            System.err.println("could not keep the gateways' logs: " + e);
        }
    }

    @Override
    public void close() throws Exception {
        channels.forEach(ManagedChannel::shutdownNow);
        for (ChildService g : gateways) {
            g.stop();
        }
        saveLogs();
        ServiceFixture.deleteTree(work);
        database.drop();
    }
}
