package io.hypatia.launcher;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.hypatia.engine.StudyEngine;
import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.GetStudyRequest;
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
 * {@code hypatia serve} on it as a child process {@code --restarts} times (through the
 * installation's {@code bin/hypatia}, so its JVM options apply) and measures, from the moment
 * the process is launched:
 * <ul>
 * <li><b>first answer</b>: a client that starts connecting at launch (plain TCP connects every
 *     5 ms until the port accepts, then a gRPC call with wait-for-ready) gets the answer to
 *     {@code GetStudy} of one stored study: the first successful RPC a client can get;</li>
 * <li><b>first Ask</b>: a second client, started at the same moment, gets the answer to
 *     {@code Ask} (one trial, random sampler) on the same study, which needs the sampler plugin
 *     and reads that study's trials from the store;</li>
 * <li>the child's CPU time (user + system, all threads, from /proc) at each of those moments, a
 *     figure a loaded machine does not inflate the way it inflates wall time;</li>
 * <li>its resident memory (VmRSS) after the first Ask and after {@code --touch} further studies
 *     were each asked once.</li>
 * </ul>
 */
final class RestartBench {
    private RestartBench() {
    }

    record Run(String install, int index, double firstAnswerMillis, double firstAskMillis, double serviceStartMillis,
               double cpuAtFirstAnswerMillis, double cpuAtFirstAskMillis, long rssAfterFirstKb, long rssAfterTouchKb, int touched,
               String threadCpuAtFirstAnswer) {
    }

    static int run(Args a) throws Exception {
        Logger.getLogger("").setLevel(Level.WARNING);
        int studies = a.getInt("studies", 5000, 1, 1_000_000);
        int perStudy = a.getInt("trials-per-study", 20, 0, 1_000_000);
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
        if (a.flag("compare-cds")) {
            installs.add(NO_CDS);
        }
        if (a.get("compare-home", null) != null) {
            installs.add(a.get("compare-home", null));
        }
        if (a.get("compare-java-opts", null) != null) {
            installs.add(JAVA_OPTS + a.get("compare-java-opts", null));
        }
        // Each installation restarts on its own copy of the fixture, so what one build adds to the
        // store (an index, say) does not speed up the other.
        java.util.Map<String, Path> data = new java.util.HashMap<>();
        for (String install : installs) {
            Path copy = Files.createTempDirectory("hypatia-restart-data");
            for (String file : List.of("hypatia.db", "hypatia.db-wal")) {
                if (Files.exists(fixture.resolve(file))) {
                    Files.copy(fixture.resolve(file), copy.resolve(file));
                }
            }
            data.put(install, copy);
        }
        try {
            return measure(a, installs, data, studies, touch, csv);
        } finally {
            for (Path copy : data.values()) {
                deleteTree(copy);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static int measure(Args a, List<String> installs, java.util.Map<String, Path> data, int studies, int touch, Path csv)
            throws Exception {
        int restarts = a.getInt("restarts", 3, 1, 100);
        // One unmeasured restart of each first: it warms the OS's file cache the same for all, and
        // the first `serve` of an installation writes its class-data archive when it stops.
        for (String install : installs) {
            Run r = restartOnce(a, install, data.get(install), 0, 0);
            System.out.printf(Locale.ROOT, "warm-up restart (%s, not counted): first answer after %.0f ms%n", install, r.firstAnswerMillis());
        }
        List<Run> runs = new ArrayList<>();
        for (int i = 1; i <= restarts; i++) {
            for (int k = 0; k < installs.size(); k++) {
                String install = installs.get((i + k) % installs.size()); // alternate which goes first
                Run r = restartOnce(a, install, data.get(install), i, Math.min(touch, studies - 1));
                runs.add(r);
                System.out.printf(Locale.ROOT, "restart %d (%s): first answer (GetStudy) after %.0f ms (child CPU %.0f ms), first Ask"
                                + " after %.0f ms (CPU %.0f ms), service reported fully started after %.0f ms;"
                                + " RSS %d MiB after the Ask, %d MiB after asking %d more studies%n    child CPU by thread at the first answer: %s%n",
                        i, install, r.firstAnswerMillis(),
                        r.cpuAtFirstAnswerMillis(), r.firstAskMillis(), r.cpuAtFirstAskMillis(), r.serviceStartMillis(),
                        r.rssAfterFirstKb() / 1024, r.rssAfterTouchKb() / 1024, r.touched(), r.threadCpuAtFirstAnswer());
            }
        }
        for (String install : installs) {
            List<Run> mine = runs.stream().filter(r -> r.install().equals(install)).toList();
            double[] first = mine.stream().mapToDouble(Run::firstAnswerMillis).sorted().toArray();
            double[] ask = mine.stream().mapToDouble(Run::firstAskMillis).sorted().toArray();
            double[] cpuFirst = mine.stream().mapToDouble(Run::cpuAtFirstAnswerMillis).sorted().toArray();
            double[] cpuAsk = mine.stream().mapToDouble(Run::cpuAtFirstAskMillis).sorted().toArray();
            long[] rss = mine.stream().mapToLong(Run::rssAfterFirstKb).sorted().toArray();
            long[] rssTouched = mine.stream().mapToLong(Run::rssAfterTouchKb).sorted().toArray();
            System.out.printf(Locale.ROOT, "%s: over %d restarts, launch to first answer (GetStudy) median %.0f ms (min %.0f, max %.0f),"
                            + " child CPU by then median %.0f ms; to first Ask median %.0f ms (min %.0f, max %.0f), CPU %.0f ms;"
                            + " RSS median %d MiB after it, %d MiB after %d more studies%n", install, first.length, first[first.length / 2],
                    first[0], first[first.length - 1], cpuFirst[cpuFirst.length / 2], ask[ask.length / 2], ask[0], ask[ask.length - 1],
                    cpuAsk[cpuAsk.length / 2], rss[rss.length / 2] / 1024, rssTouched[rssTouched.length / 2] / 1024, mine.get(0).touched());
        }
        boolean header = !Files.exists(csv);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv, StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            if (header) {
                w.println("install,restart,first_answer_ms,first_ask_ms,service_start_ms,cpu_at_first_answer_ms,cpu_at_first_ask_ms,"
                        + "rss_after_first_kb,rss_after_touch_kb,studies_touched");
            }
            for (Run r : runs) {
                w.printf(Locale.ROOT, "\"%s\",%d,%.1f,%.1f,%.1f,%.1f,%.1f,%d,%d,%d%n", r.install(), r.index(), r.firstAnswerMillis(),
                        r.firstAskMillis(), r.serviceStartMillis(), r.cpuAtFirstAnswerMillis(), r.cpuAtFirstAskMillis(),
                        r.rssAfterFirstKb(), r.rssAfterTouchKb(), r.touched());
            }
        }
        double[] ours = runs.stream().filter(r -> r.install().equals("this")).mapToDouble(Run::firstAnswerMillis).sorted().toArray();
        double median = ours[ours.length / 2];
        // Issue 13's goal, as a wall-clock figure: meaningful on a quiet machine only (see the load average).
        System.out.printf(Locale.ROOT, "goal, first answer within 1 s of launch: %s (this build, median %.0f ms over %d restarts;"
                + " load average now %s)%n", median < 1000 ? "met" : "NOT met", median, ours.length, loadAverage());
        System.out.println("appended to " + csv.toAbsolutePath());
        return 0;
    }

    /** This installation started with HYPATIA_CDS=off (its launcher then uses no class-data archive). */
    static final String NO_CDS = "this, HYPATIA_CDS=off";
    /** This installation started with HYPATIA_JAVA_OPTS set to what follows this prefix. */
    static final String JAVA_OPTS = "this, HYPATIA_JAVA_OPTS=";

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
        // Through the installation's bin/hypatia when there is one, so its JVM options (class-data sharing) apply.
        boolean thisOne = install.equals("this") || install.equals(NO_CDS) || install.startsWith(JAVA_OPTS);
        String home = thisOne ? System.getProperty("hypatia.home") : install;
        Path script = home == null ? null : Path.of(home, "bin", "hypatia");
        List<String> command = new ArrayList<>();
        Path deploy = o.deployDir();
        Path system = o.systemDir();
        if (script != null && Files.isExecutable(script)) {
            command.add(script.toString());
            deploy = Path.of(home, "deploy");
            system = Path.of(home, "system");
        } else if (!install.equals("this")) {
            throw new IllegalArgumentException(install + ": no executable bin/hypatia to start (run the benchmark through bin/hypatia)");
        } else {
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), Main.class.getName()));
        }
        command.addAll(List.of("serve", "--data-dir", fixture.toString(), "--port", Integer.toString(port), "--no-dashboard",
                "--deploy-dir", deploy.toString(), "--system-dir", system.toString(), "--no-fsync"));
        warmUpClient(port);
        long launched = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (install.equals(NO_CDS)) {
            builder.environment().put("HYPATIA_CDS", "off");
        }
        if (install.startsWith(JAVA_OPTS)) {
            builder.environment().put("HYPATIA_JAVA_OPTS", install.substring(JAVA_OPTS.length()));
        }
        Process child = builder.start();
        AtomicLong startedReported = new AtomicLong(-1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.startsWith("hypatia: serving gRPC") && startedReported.get() < 0) {
                        startedReported.set(System.nanoTime());
                    }
                    if (line.startsWith("hypatia: started in ")) { // the child's own breakdown
                        System.out.println("  child: " + line);
                    }
                }
            } catch (IOException e) {
                // the child ended
            }
        }, "restart-bench-output");
        reader.setDaemon(true);
        reader.start();
        SplittableRandom random = new SplittableRandom(index);
        String first = studyName(random.nextInt(Math.max(1, touch + 1)));
        ExecutorService clients = Executors.newFixedThreadPool(2);
        ManagedChannel[] channels = new ManagedChannel[2];
        try {
            // Two clients from the moment of launch: GetStudy (needs no plugin) and Ask (needs the sampler).
            String[] threadCpu = {""};
            Future<long[]> getStudy = clients.submit(() -> {
                channels[0] = awaitPort(child, port);
                HypatiaServiceGrpc.newBlockingStub(channels[0]).withWaitForReady().withDeadlineAfter(5, TimeUnit.MINUTES)
                        .getStudy(GetStudyRequest.newBuilder().setStudy(first).build());
                long[] at = {System.nanoTime(), cpuMillis(child.pid())};
                threadCpu[0] = threadCpu(child.pid(), at[1]);
                return at;
            });
            Future<long[]> asked = clients.submit(() -> {
                channels[1] = awaitPort(child, port);
                HypatiaServiceGrpc.HypatiaServiceBlockingStub stub = HypatiaServiceGrpc.newBlockingStub(channels[1]).withWaitForReady()
                        .withDeadlineAfter(5, TimeUnit.MINUTES);
                AskRequest request = AskRequest.newBuilder().setStudy(first).setCount(1).setWorker("restart-bench")
                        .setRequestId("restart-bench-" + java.util.UUID.randomUUID()).build(); // one ask, however often retried
                long id;
                while (true) {
                    try {
                        id = stub.ask(request).getTrials(0).getTrial().getId();
                        break;
                    } catch (io.grpc.StatusRuntimeException e) {
                        // plugins not up within the service's --plugin-wait-ms: retry, as the clients do
                        if (e.getStatus().getCode() != io.grpc.Status.Code.UNAVAILABLE) {
                            throw e;
                        }
                    }
                }
                long[] at = {System.nanoTime(), cpuMillis(child.pid()), id};
                return at;
            });
            long[] firstAnswer = getStudy.get(6, TimeUnit.MINUTES);
            long[] firstAsk = asked.get(6, TimeUnit.MINUTES);
            HypatiaServiceGrpc.HypatiaServiceBlockingStub stub = HypatiaServiceGrpc.newBlockingStub(channels[1]);
            stub.tell(TellRequest.newBuilder().setStudy(first).setTrialId(firstAsk[2])
                    .setComplete(TellRequest.Complete.newBuilder().addValues(0.5)).build());
            long rssFirst = rssKb(child.pid());
            for (int i = 0; i < touch; i++) {
                askAndTell(stub, studyName(i));
            }
            long rssTouched = rssKb(child.pid());
            return new Run(install, index, (firstAnswer[0] - launched) / 1e6, (firstAsk[0] - launched) / 1e6,
                    startedReported.get() < 0 ? Double.NaN : (startedReported.get() - launched) / 1e6, firstAnswer[1], firstAsk[1],
                    rssFirst, rssTouched, touch, threadCpu[0]);
        } finally {
            clients.shutdownNow();
            for (ManagedChannel channel : channels) {
                if (channel != null) {
                    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            }
            child.destroy(); // SIGTERM: the shutdown hook closes the store cleanly
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    /**
     * Loads this JVM's gRPC client classes with one call to the still closed port (it fails at
     * once), so the figures measure the service, not the client's first use of gRPC.
     */
    private static void warmUpClient(int port) throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            HypatiaServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .getStudy(GetStudyRequest.newBuilder().setStudy(studyName(0)).build());
        } catch (io.grpc.StatusRuntimeException e) {
            // UNAVAILABLE: nothing listens yet, as intended
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        AskRequest.newBuilder().setStudy(studyName(0)).setCount(1).build().toByteArray();
    }

    /**
     * Waits for the child's port with plain connects every 5 ms (a gRPC channel refused early
     * would back off for seconds between attempts and the figure would measure its backoff),
     * then opens a channel to it.
     */
    private static ManagedChannel awaitPort(Process child, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
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
        return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    /** CPU time (user + system, all threads) of a process in ms, from /proc (Linux); NaN elsewhere. */
    static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields 14 and 15 of stat (utime, stime), counted after the command name: indices 11 and 12
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Where a process's CPU went, by thread name (a trailing number dropped, so "C2 CompilerThread0" and "1"
     * count together), largest first, from /proc (Linux); threads that already ended are counted as
     * the rest of {@code processMillis}. Says whether a start's CPU is class loading on the main
     * thread, the JIT compiler, the GC or the plugin framework.
     */
    static String threadCpu(long pid, long processMillis) {
        java.util.Map<String, Long> byName = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[#-]?[0-9]+$", "").trim();
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    byName.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / CLOCK_TICKS, Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return "(no /proc)";
        }
        long counted = byName.values().stream().mapToLong(Long::longValue).sum();
        if (processMillis > counted) {
            byName.put("(threads ended)", processMillis - counted);
        }
        return byName.entrySet().stream().filter(e -> e.getValue() > 0).sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
    }

    /** The 1, 5 and 15 minute load averages (Linux), or "?". */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** Clock ticks per second of /proc/PID/stat (USER_HZ, 100 on Linux). */
    private static final long CLOCK_TICKS = 100;

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
