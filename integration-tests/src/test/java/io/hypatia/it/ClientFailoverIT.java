package io.hypatia.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import io.hypatia.client.HypatiaClient;
import io.hypatia.client.Study;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.Direction;
import io.hypatia.grpc.v1.FloatDomain;
import io.hypatia.grpc.v1.Objective;
import io.hypatia.grpc.v1.Parameter;
import io.hypatia.grpc.v1.PluginSelection;
import io.hypatia.grpc.v1.SearchSpace;
import io.hypatia.grpc.v1.Trial;
import io.hypatia.grpc.v1.TrialState;
import io.hypatia.it.schedulers.StudyHelpers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Test;

/**
 * Issue 13, clients: the Java, Python and C++ clients each given the three gateways of one
 * PostgreSQL database as one target ({@code 127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3}), four
 * workers each on their own study (ask, report, tell). Once every client has told some trials,
 * gateway 0 is killed with SIGKILL; the clients go on through the other two (round robin drops
 * the dead one, calls it had in flight are repeated) until each has told more, then stop. Each
 * client's run ends without an error, and for each study: every acknowledged tell stored once,
 * COMPLETE with its value, no other COMPLETE trial, numbers dense, nothing left RUNNING.
 *
 * <p>Needs PostgreSQL (see {@link SharedGateways}) and the Python and C++ clients' tools (as
 * PythonClientIT and CppClientIT); skipped with a message where they are missing.
 */
public class ClientFailoverIT {
    private static final String PYTHON = "/usr/bin/python3";
    private static final int WORKERS = 4, ACKS_BEFORE_KILL = 15, ACKS_AFTER_KILL = 15;

    /** One client's run: its acknowledged tells (trial id to value) and how it ended. */
    private static final class Run {
        final String study;
        final Map<Long, Double> acked = new ConcurrentHashMap<>();
        final List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        Process process;
        Thread pump;

        Run(String study) {
            this.study = study;
        }

        void line(String l) {
            output.add(l);
            if (l.startsWith("acked ")) {
                String[] f = l.split(" ");
                acked.put(Long.parseLong(f[1]), Double.parseDouble(f[2]));
            }
        }
    }

    @Test
    public void eachClientFailsOverWhenAGatewayDies() throws Exception {
        Path repo = Path.of(System.getProperty("hypatia.it.clients")).getParent().normalize();
        Path work = Path.of(System.getProperty("hypatia.it.work"));
        assumeTrue("/usr/bin/python3 with venv and grpc, protoc with grpc_python_plugin, cmake, g++ and grpc++ are needed "
                        + "(apt-get install python3-venv python3-grpcio python3-protobuf protobuf-compiler "
                        + "protobuf-compiler-grpc cmake g++ pkg-config libgrpc++-dev libprotobuf-dev)",
                Processes.run(List.of(PYTHON, "-c", "import venv, ensurepip, grpc, google.protobuf")).ok()
                        && Processes.run(List.of("sh", "-c", "command -v protoc && command -v grpc_python_plugin && command -v cmake "
                        + "&& command -v g++ && command -v grpc_cpp_plugin && pkg-config --exists grpc++ protobuf")).ok());
        Path venv = work.resolve("failover-venv");
        ServiceFixture.deleteTree(venv);
        Files.createDirectories(work);
        Processes.Result installed = Processes.run(List.of("bash", "-c", PYTHON + " -m venv --system-site-packages " + venv
                + " && " + venv + "/bin/pip install --no-index --no-build-isolation ./clients/python"), repo, Map.of(), 600);
        assertEquals(installed.output(), 0, installed.exit());
        Path build = work.resolve("cpp-build"); // CppClientIT's build folder: incremental when it ran first
        Processes.Result configured = Processes.run(List.of("cmake", "-S", repo.resolve("clients/cpp").toString(), "-B",
                build.toString(), "-DCMAKE_BUILD_TYPE=Release"), null, Map.of(), 300);
        assertEquals(configured.output(), 0, configured.exit());
        Processes.Result built = Processes.run(List.of("cmake", "--build", build.toString(), "-j", "2", "--target", "failover_run"),
                null, Map.of(), 1800);
        assertEquals(built.output(), 0, built.exit());

        Path stopFile = work.resolve("failover-stop");
        Files.deleteIfExists(stopFile);
        Map<String, Run> runs = new LinkedHashMap<>();
        for (String s : List.of("java", "python", "cpp")) {
            runs.put(s, new Run("failover-" + s));
        }
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> javaWorkers = new ArrayList<>();
        try (SharedGateways gateways = SharedGateways.start("ClientFailoverIT", 3, "hypatia-sampler-random")) {
            gateways.awaitPlugin("sampler", "random");
            for (Run r : runs.values()) {
                gateways.stub(1).createStudy(CreateStudyRequest.newBuilder().setName(r.study)
                        .setSearchSpace(SearchSpace.newBuilder().addParams(Parameter.newBuilder().setName("x")
                                .setFloat(FloatDomain.newBuilder().setLow(-1).setHigh(1))))
                        .addObjectives(Objective.newBuilder().setName("y").setDirection(Direction.MINIMIZE))
                        .setSampler(PluginSelection.newBuilder().setName("random")).setLeaseSeconds(600).build());
            }
            String target = gateways.target();
            try (HypatiaClient client = HypatiaClient.builder(target).retries(50).build()) {
                Run java = runs.get("java");
                for (int w = 0; w < WORKERS; w++) {
                    int worker = w;
                    Thread t = new Thread(() -> javaWorker(client, java, worker, stop), "java-worker-" + w);
                    t.start();
                    javaWorkers.add(t);
                }
                start(runs.get("python"), List.of(venv.resolve("bin/python").toString(),
                        repo.resolve("clients/python/tests/failover_run.py").toString()), target, stopFile);
                start(runs.get("cpp"), List.of(build.resolve("failover_run").toString()), target, stopFile);

                Map<String, Integer> atKill = awaitAcks(runs, Map.of());
                gateways.kill(0);
                awaitAcks(runs, atKill);
                stop.set(true);
                Files.writeString(stopFile, "stop\n");
                for (Thread t : javaWorkers) {
                    t.join(300_000);
                    assertTrue(t.getName() + " finished", !t.isAlive());
                }
                for (String lang : List.of("python", "cpp")) {
                    Run r = runs.get(lang);
                    assertTrue(lang + " client finished", r.process.waitFor(300, TimeUnit.SECONDS));
                    r.pump.join(60_000); // every acknowledged line read
                    assertEquals(lang + " client's run ended without an error:\n" + String.join("\n", r.output), 0, r.process.exitValue());
                }
                if (java.failure.get() != null) {
                    throw new AssertionError("a Java worker failed", java.failure.get());
                }
                for (Map.Entry<String, Run> e : runs.entrySet()) {
                    check(e.getKey(), e.getValue(), StudyHelpers.allTrials(gateways.stub(2).withDeadlineAfter(120, TimeUnit.SECONDS),
                            e.getValue().study), atKill.get(e.getKey()));
                }
                System.out.printf("java client: %d calls repeated; python: %s; cpp: %s%n", client.retriedCalls(),
                        last(runs.get("python")), last(runs.get("cpp")));
            }
        } finally {
            stop.set(true);
            Files.writeString(stopFile, "stop\n");
            for (Run r : runs.values()) {
                if (r.process != null) {
                    r.process.destroyForcibly();
                }
            }
        }
    }

    private static void javaWorker(HypatiaClient client, Run run, int worker, AtomicBoolean stop) {
        try {
            Study study = client.loadStudy(run.study);
            while (!stop.get()) {
                io.hypatia.client.Trial t = study.ask();
                double value = t.getDouble("x") * t.getDouble("x") + 0.001 * worker;
                t.report(1, value);
                t.tell(value);
                run.acked.put(t.id(), value);
            }
        } catch (Throwable t) {
            run.failure.compareAndSet(null, t);
        }
    }

    private static void start(Run run, List<String> program, String target, Path stopFile) throws IOException {
        List<String> cmd = new ArrayList<>(program);
        cmd.addAll(List.of("--target", target, "--study", run.study, "--workers", String.valueOf(WORKERS),
                "--stop-file", stopFile.toString()));
        run.process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        run.pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(run.process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    run.line(l);
                }
            } catch (IOException e) {
                run.output.add("(output lost: " + e + ")");
            }
        });
        run.pump.setDaemon(true);
        run.pump.start();
    }

    /** Waits until every client has told {@link #ACKS_BEFORE_KILL} (or, after the kill, that many more); returns the counts. */
    private static Map<String, Integer> awaitAcks(Map<String, Run> runs, Map<String, Integer> since) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(900);
        Map<String, Integer> counts = new HashMap<>();
        for (Map.Entry<String, Run> e : runs.entrySet()) {
            Run r = e.getValue();
            int target = since.getOrDefault(e.getKey(), 0) + (since.isEmpty() ? ACKS_BEFORE_KILL : ACKS_AFTER_KILL);
            while (r.acked.size() < target) {
                if (r.failure.get() != null) {
                    throw new AssertionError(e.getKey() + " client failed", r.failure.get());
                }
                if (r.process != null && !r.process.isAlive()) {
                    throw new AssertionError(e.getKey() + " client exited early:\n" + String.join("\n", r.output));
                }
                assertTrue(e.getKey() + ": no progress, " + r.acked.size() + " of " + target + " tells acknowledged",
                        System.nanoTime() < deadline);
                Thread.sleep(50);
            }
        }
        runs.forEach((k, r) -> counts.put(k, r.acked.size()));
        return counts;
    }

    private static String last(Run r) {
        return r.output.isEmpty() ? "(no output)" : r.output.get(r.output.size() - 1);
    }

    private static void check(String lang, Run run, List<Trial> trials, int ackedBeforeKill) {
        Map<Long, Trial> byId = new HashMap<>();
        List<Integer> numbers = new ArrayList<>();
        int complete = 0, running = 0;
        for (Trial t : trials) {
            assertTrue(lang + ": trial " + t.getId() + " listed twice", byId.put(t.getId(), t) == null);
            numbers.add(t.getNumber());
            complete += t.getState() == TrialState.COMPLETE ? 1 : 0;
            running += t.getState() == TrialState.RUNNING ? 1 : 0;
        }
        numbers.sort(null);
        for (int i = 0; i < numbers.size(); i++) {
            assertEquals(lang + ": trial numbers have no gap or duplicate", i, (int) numbers.get(i));
        }
        for (Map.Entry<Long, Double> e : run.acked.entrySet()) {
            Trial t = byId.get(e.getKey());
            assertTrue(lang + ": acknowledged tell of trial " + e.getKey() + " is stored", t != null);
            assertEquals(lang + ": trial " + t.getId() + " state", TrialState.COMPLETE, t.getState());
            assertEquals(lang + ": trial " + t.getId() + " value", e.getValue(), t.getValues(0), 0.0);
        }
        System.out.printf("%s client through 3 gateways, one killed: %d tells acknowledged (%d before the kill), %d trials "
                + "stored, %d COMPLETE, %d RUNNING%n", lang, run.acked.size(), ackedBeforeKill, trials.size(), complete, running);
        assertEquals(lang + ": COMPLETE trials are exactly the acknowledged tells", run.acked.size(), complete);
        assertEquals(lang + ": trials left RUNNING with nobody holding them", 0, running);
    }
}
