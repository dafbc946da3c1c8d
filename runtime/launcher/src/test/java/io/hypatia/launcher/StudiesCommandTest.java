package io.hypatia.launcher;

import io.hypatia.engine.TestPlugins;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.engine.PluginRef;
import io.hypatia.engine.StudyEngine;
import io.hypatia.engine.StudySpec;
import io.hypatia.engine.store.Store;
import io.hypatia.gateway.GatewayServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hypatia studies} against a real gateway over loopback on a real engine. */
class StudiesCommandTest {
    private Store store;
    private StudyEngine engine;
    private GatewayServer gateway;
    private ManagedChannel channel;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        store = Store.openInMemory();
        engine = new StudyEngine(store, new TestPlugins());
        engine.createStudy(StudySpec.of("quad", SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false))),
                List.of(new Objective("loss", Direction.MINIMIZE)), PluginRef.of("random")));
        for (StudyEngine.Asked a : engine.ask("quad", 6, "w")) {
            double x = a.info().trial().config().getDouble("x");
            engine.tell("quad", a.info().trial().id(), StudyEngine.Outcome.complete(List.of(x * x)), null);
        }
        gateway = GatewayServer.start(engine, "127.0.0.1", 0);
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        gateway.close();
        engine.close();
        store.close();
    }

    private StudiesCommand command(boolean json) {
        return new StudiesCommand(channel, new PrintStream(bytes, true, StandardCharsets.UTF_8), json);
    }

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void listIsAnAlignedTable() throws Exception {
        command(false).list(List.of("list"), 1);
        List<String> out = lines();
        assertEquals(2, out.size(), String.join("\n", out));
        assertTrue(out.get(0).startsWith("NAME"));
        assertTrue(out.get(1).startsWith("quad"));
        // columns line up: TRIALS is right-aligned under its header
        int end = out.get(0).indexOf("TRIALS") + "TRIALS".length();
        assertEquals('6', out.get(1).charAt(end - 1));
    }

    @Test
    void trialsFilterAndCsv(@TempDir Path dir) throws Exception {
        command(false).trials("quad", "complete", null);
        assertEquals(7, lines().size());
        Path csv = dir.resolve("t.csv");
        command(false).trials("quad", null, csv.toString());
        List<String> rows = Files.readAllLines(csv);
        assertEquals(7, rows.size());
        assertTrue(rows.get(0).startsWith("number,id,state,value_0,param_x,"));
    }

    @Test
    void showJsonAndErrors() throws Exception {
        command(true).show("quad");
        String json = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(json.contains("\"bestTrials\""), json);
        assertTrue(json.contains("\"name\": \"quad\""), json);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> command(false).show("nope"));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        command(false).delete("quad");
        assertTrue(engine.listStudies().isEmpty());
    }

    @Test
    void updateRaisesTheMaxBudget() throws Exception {
        StudySpec plain = StudySpec.of("mf", SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false))),
                List.of(new Objective("loss", Direction.MINIMIZE)), PluginRef.of("random"));
        engine.createStudy(new StudySpec(plain.name(), plain.space(), plain.objectives(), plain.sampler(), plain.scheduler(),
                new io.hypatia.api.benchmark.Fidelity("epochs", 1, 9), plain.leaseMillis(), plain.onLeaseExpired(),
                plain.maxAttempts(), plain.samplerTimeoutMillis(), plain.schedulerTimeoutMillis()));
        command(false).update("mf", 27.0);
        assertEquals("study mf: max budget (epochs) raised from 9 to 27; 0 finished trial(s) continued from their checkpoints",
                lines().get(0));
        assertEquals(27, engine.getStudy("mf").spec().fidelity().max());
        StatusRuntimeException unset = assertThrows(StatusRuntimeException.class, () -> command(false).update("mf", null));
        assertEquals(Status.Code.INVALID_ARGUMENT, unset.getStatus().getCode());
        assertTrue(unset.getStatus().getDescription().startsWith("max_budget: "), unset.getStatus().getDescription());
        StatusRuntimeException flat = assertThrows(StatusRuntimeException.class, () -> command(false).update("quad", 27.0));
        assertTrue(flat.getStatus().getDescription().contains("has no fidelity"), flat.getStatus().getDescription());
    }

    @Test
    void watchUntilDoneEndsOnAFinishedStudy() throws Exception {
        command(false).watch("quad", 100, true);
        String line = lines().get(0);
        assertTrue(line.startsWith("quad  complete 6  running 0"), line);
        assertTrue(line.contains("best "), line);
    }

    /** {@code --tls-ca} reaches a TLS service that plaintext cannot, and says so when the file is missing. */
    @Test
    void tlsWithTheServicesCa(@TempDir Path dir) throws Exception {
        io.hypatia.gateway.SelfSignedCertificate cert = io.hypatia.gateway.SelfSignedCertificate.create(dir, "studies-test");
        GatewayServer.Settings loopback = GatewayServer.Settings.LOOPBACK;
        try (GatewayServer tls = GatewayServer.start(engine, "127.0.0.1", 0, new GatewayServer.Settings(null,
                new GatewayServer.Tls(cert.cert(), cert.key(), null), false, loopback.limits(), loopback.quotas(), loopback.adminOnly()))) {
            String target = "127.0.0.1:" + tls.port();
            PrintStream stdout = System.out;
            PrintStream stderr = System.err;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try {
                System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                assertEquals(0, StudiesCommand.run(new String[] {"list", "--target", target, "--tls-ca", cert.cert().toString()}));
                assertTrue(lines().get(1).startsWith("quad"), String.join("\n", lines()));
                assertEquals(1, StudiesCommand.run(new String[] {"list", "--target", target}), "plaintext cannot talk to TLS");
                assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot reach the service"), err.toString(StandardCharsets.UTF_8));
                assertEquals(2, StudiesCommand.run(new String[] {"list", "--target", target, "--tls-ca", dir.resolve("none.pem").toString()}));
                assertTrue(err.toString(StandardCharsets.UTF_8).contains("is not a readable file"), err.toString(StandardCharsets.UTF_8));
            } finally {
                System.setOut(stdout);
                System.setErr(stderr);
            }
        }
    }
}
