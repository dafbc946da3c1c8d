package io.hypatia.launcher;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.hypatia.engine.StudyEngine;
import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.TellRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code hypatia bench-rpc --restart}: how fast a service with many stored studies answers after a
 * restart, and how much memory it then holds. Builds (once, in {@code --fixture DIR}) a store
 * with {@code --studies} studies of {@code --trials-per-study} completed trials, then starts
 * {@code hypatia serve} on it as a child process {@code --restarts} times and measures, from the
 * moment the process is launched: when the first Ask (which reads that study's trials) is
 * answered, and the child's resident memory (VmRSS) after that answer and after
 * {@code --touch} further studies were each asked once.
 */
final class RestartBench {
    private RestartBench() {
    }

    record Run(String install, int index, double firstAnswerMillis, double serviceStartMillis, long rssAfterFirstKb, long rssAfterTouchKb,
               int touched) {
    }

    static int run(Args a) throws Exception {
        Logger.getLogger("").setLevel(Level.WARNING);
        int studies = a.getInt("studies", 5000, 1, 1_000_000);
        int perStudy = a.getInt("trials-per-study", 20, 0, 1_000_000);
        int restarts = a.getInt("restarts", 3, 1, 100);
        int touch = a.getInt("touch", 500, 0, 1_000_000);
        Path fixture = a.get("fixture", null) != null ? Path.of(a.get("fixture", null)) : Files.createTempDirectory("hypatia-restart");
        Path csv = Path.of(a.get("csv", "bench-restart.csv"));
        if (!Files.exists(fixture.resolve("hypatia.db"))) {
            System.out.printf(Locale.ROOT, "building the fixture in %s: %d studies x %d trials ...%n", fixture, studies, perStudy);
            long t0 = System.nanoTime();
            build(a, fixture, studies, perStudy);
            System.out.printf(Locale.ROOT, "fixture built in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        } else {
            System.out.println("using the existing fixture in " + fixture + " (--studies/--trials-per-study not applied)");
        }
        // Another installation (e.g. an earlier build) restarted in turn with this one, for a ratio from one run.
        List<String> installs = new ArrayList<>(List.of("this"));
        if (a.get("compare-home", null) != null) {
            installs.add(a.get("compare-home", null));
        }
        List<Run> runs = new ArrayList<>();
        for (int i = 1; i <= restarts; i++) {
            for (int k = 0; k < installs.size(); k++) {
                String install = installs.get((i + k) % installs.size()); // alternate which goes first
                Run r = restartOnce(a, install, fixture, i, Math.min(touch, studies - 1));
                runs.add(r);
                System.out.printf(Locale.ROOT, "restart %d (%s): first answer after %.0f ms (service reported started after %.0f ms);"
                                + " RSS %d MiB after it, %d MiB after asking %d more studies%n", i, install, r.firstAnswerMillis(),
                        r.serviceStartMillis(), r.rssAfterFirstKb() / 1024, r.rssAfterTouchKb() / 1024, r.touched());
            }
        }
        for (String install : installs) {
            List<Run> mine = runs.stream().filter(r -> r.install().equals(install)).toList();
            double[] first = mine.stream().mapToDouble(Run::firstAnswerMillis).sorted().toArray();
            long[] rss = mine.stream().mapToLong(Run::rssAfterFirstKb).sorted().toArray();
            long[] rssTouched = mine.stream().mapToLong(Run::rssAfterTouchKb).sorted().toArray();
            System.out.printf(Locale.ROOT, "%s: restart to first answer median %.0f ms over %d restarts (min %.0f, max %.0f);"
                            + " RSS median %d MiB after it, %d MiB after %d more studies%n", install, first[first.length / 2],
                    first.length, first[0], first[first.length - 1], rss[rss.length / 2] / 1024, rssTouched[rssTouched.length / 2] / 1024,
                    mine.get(0).touched());
        }
        boolean header = !Files.exists(csv);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv, StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            if (header) {
                w.println("install,restart,first_answer_ms,service_start_ms,rss_after_first_kb,rss_after_touch_kb,studies_touched");
            }
            for (Run r : runs) {
                w.printf(Locale.ROOT, "\"%s\",%d,%.1f,%.1f,%d,%d,%d%n", r.install(), r.index(), r.firstAnswerMillis(), r.serviceStartMillis(),
                        r.rssAfterFirstKb(), r.rssAfterTouchKb(), r.touched());
            }
        }
        System.out.println("appended to " + csv.toAbsolutePath());
        return 0;
    }

    static String studyName(int i) {
        return String.format(Locale.ROOT, "restart-%05d", i);
    }

    /** Fills {@code dir} through an in-process service: studies created one by one, trials asked and told from 3 threads. */
    private static void build(Args a, Path dir, int studies, int perStudy) throws Exception {
        HypatiaServer.Options o = Main.options(a, 0, dir);
        o = new HypatiaServer.Options(dir, o.deployDir(), o.systemDir(), "127.0.0.1", 0, false, o.benchmarkData(), o.deployPollMillis());
        try (HypatiaServer server = HypatiaServer.start(o)) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                HypatiaServiceGrpc.HypatiaServiceBlockingStub stub = HypatiaServiceGrpc.newBlockingStub(channel);
                for (int i = 0; i < studies; i++) {
                    RpcBench.createStudy(stub, studyName(i), "random");
                }
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            StudyEngine engine = server.engine();
            // Fewer threads than a plugin's 4 call slots, so no sampler call is refused as "busy".
            ExecutorService pool = Executors.newFixedThreadPool(3);
            AtomicLong done = new AtomicLong();
            List<Future<?>> parts = new ArrayList<>();
            for (int p = 0; p < 3; p++) {
                int part = p;
                parts.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(part);
                    for (int i = part; i < studies; i += 3) {
                        for (int left = perStudy; left > 0; left -= StudyEngine.MAX_ASK) {
                            for (StudyEngine.Asked t : engine.ask(studyName(i), Math.min(left, StudyEngine.MAX_ASK), "fixture")) {
                                engine.tell(studyName(i), t.info().trial().id(),
                                        StudyEngine.Outcome.complete(List.of(random.nextDouble())), "");
                            }
                        }
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : parts) {
                f.get();
            }
            pool.shutdown();
        }
    }

    /** One restart of {@code install}: "this" installation, or the folder of another one (its bin/, lib/, deploy/, system/). */
    private static Run restartOnce(Args a, String install, Path fixture, int index, int touch) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HypatiaServer.Options o = Main.options(a, 0, fixture);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String classPath = System.getProperty("java.class.path");
        Path deploy = o.deployDir();
        Path system = o.systemDir();
        if (!install.equals("this")) {
            Path home = Path.of(install);
            classPath = home.resolve("lib") + "/*";
            deploy = home.resolve("deploy");
            system = home.resolve("system");
            command.add("-Dhypatia.home=" + home);
        } else if (System.getProperty("hypatia.home") != null) {
            command.add("-Dhypatia.home=" + System.getProperty("hypatia.home"));
        }
        command.addAll(List.of("-cp", classPath, Main.class.getName(), "serve", "--data-dir",
                fixture.toString(), "--port", Integer.toString(port), "--no-dashboard", "--deploy-dir", deploy.toString(),
                "--system-dir", system.toString(), "--no-fsync"));
        long launched = System.nanoTime();
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        AtomicLong startedReported = new AtomicLong(-1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.startsWith("hypatia: serving gRPC") && startedReported.get() < 0) {
                        startedReported.set(System.nanoTime());
                    }
                }
            } catch (IOException e) {
                // the child ended
            }
        }, "restart-bench-output");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        // Wait for the port with plain connects every 5 ms: a gRPC channel refused early would back
        // off for seconds between attempts and the figure would measure its backoff.
        while (true) {
            if (!child.isAlive()) {
                throw new IllegalStateException("the service exited with code " + child.exitValue() + " before answering");
            }
            try (java.net.Socket probe = new java.net.Socket()) {
                probe.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the service did not listen within 5 minutes");
                }
                Thread.sleep(5);
            }
        }
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            HypatiaServiceGrpc.HypatiaServiceBlockingStub stub = HypatiaServiceGrpc.newBlockingStub(channel);
            SplittableRandom random = new SplittableRandom(index);
            String first = studyName(random.nextInt(Math.max(1, touch + 1)));
            askAndTell(stub.withWaitForReady().withDeadlineAfter(5, TimeUnit.MINUTES), first);
            long answered = System.nanoTime();
            long rssFirst = rssKb(child.pid());
            for (int i = 0; i < touch; i++) {
                askAndTell(stub, studyName(i));
            }
            long rssTouched = rssKb(child.pid());
            return new Run(install, index, (answered - launched) / 1e6,
                    startedReported.get() < 0 ? Double.NaN : (startedReported.get() - launched) / 1e6, rssFirst, rssTouched, touch);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            child.destroy(); // SIGTERM: the shutdown hook closes the store cleanly
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    private static void askAndTell(HypatiaServiceGrpc.HypatiaServiceBlockingStub stub, String study) {
        long id = stub.ask(AskRequest.newBuilder().setStudy(study).setCount(1).setWorker("restart-bench").build())
                .getTrials(0).getTrial().getId();
        stub.tell(TellRequest.newBuilder().setStudy(study).setTrialId(id)
                .setComplete(TellRequest.Complete.newBuilder().addValues(0.5)).build());
    }

    /** Resident memory of a process in KiB, from /proc (Linux); -1 elsewhere. */
    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(Arrays.stream(line.substring(6).trim().split("\\s+")).findFirst().orElse("-1"));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or the process ended
        }
        return -1;
    }
}
