package io.hypatia.launcher;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.hypatia.engine.StudyEngine;
import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.GetBestTrialsRequest;
import io.hypatia.grpc.v1.GetStudyRequest;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.TellRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code hypatia bench-rpc --study-sizes 1000,10000,...}: whether the cost of a request grows
 * with the study. One study is grown to each size in turn (trials asked in batches and told
 * through the engine, untimed), then at each size the same work is timed in process (engine
 * calls) and through gRPC (a real channel over loopback): ask+tell round trips with
 * {@code clients} threads, then GetStudy and GetBestTrials one at a time.
 *
 * <p>Besides wall-clock percentiles it reports the process's CPU time and GC time per round trip,
 * which a busy machine does not inflate: on a loaded machine those are the flatness figures to
 * compare across sizes.
 */
final class StudySizeBench {
    private StudySizeBench() {
    }

    /** One size, one mode. */
    record Row(String mode, int sizeBefore, int sizeAfter, int clients, double roundTripsPerSecond, double askP50, double askP99,
               double tellP50, double tellP99, double getStudyP50, double getStudyP99, double bestP50, double bestP99,
               double cpuMicrosPerRoundTrip, double gcMicrosPerRoundTrip, double allocatedKbPerRoundTrip) {
    }

    static int run(Args a) throws Exception {
        Logger.getLogger("").setLevel(Level.WARNING);
        List<Integer> sizes = sizes(a.get("study-sizes", "1000,10000,36000,100000"));
        int clients = a.getInt("clients", 1, 1, 1024);
        int roundTrips = a.getInt("round-trips", 2000, 10, 10_000_000);
        String sampler = a.get("sampler", "random");
        Path csv = Path.of(a.get("csv", "bench-rpc-sizes.csv"));
        Path dir = Files.createTempDirectory("hypatia-bench-sizes");
        HypatiaServer.Options o = Main.options(a, 0, dir.resolve("data"));
        try (HypatiaServer server = HypatiaServer.start(o)) {
            server.engine().setStudyIdleEvictMillis(Main.studyIdleEvictMillis(a));
            List<Row> rows = measure(server.engine(), server.port(), sampler, sizes, clients, roundTrips, System.out);
            print(rows, System.out, sampler, "embedded, fsync " + o.fsync());
            writeCsv(csv, rows, sampler, "embedded, fsync " + o.fsync());
            System.out.println("appended to " + csv.toAbsolutePath());
        }
        return 0;
    }

    static List<Integer> sizes(String text) {
        List<Integer> out = new ArrayList<>();
        for (String s : text.split(",")) {
            try {
                int n = Integer.parseInt(s.trim());
                if (n < 0 || (!out.isEmpty() && n < out.get(out.size() - 1))) {
                    throw new Args.UsageException("--study-sizes must be ascending non-negative trial counts, got '" + text + "'");
                }
                out.add(n);
            } catch (NumberFormatException e) {
                throw new Args.UsageException("--study-sizes must be comma-separated integers, got '" + text + "'");
            }
        }
        return out;
    }

    /** Grows one study through {@code sizes} and times both modes at each. */
    static List<Row> measure(StudyEngine engine, int port, String sampler, List<Integer> sizes, int clients, int roundTrips,
                             PrintStream log) throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            HypatiaServiceGrpc.HypatiaServiceBlockingStub stub = HypatiaServiceGrpc.newBlockingStub(channel);
            String study = "bench-sizes-" + System.currentTimeMillis();
            RpcBench.createStudy(stub, study, sampler);
            List<Row> rows = new ArrayList<>();
            Calls inProcess = inProcess(engine, study);
            Calls grpc = overGrpc(stub, study);
            // A first pass warms the JIT on a small study so the first size is not measured cold.
            grow(engine, study, Math.min(200, sizes.get(0)));
            timed("warm-up", inProcess, engine, study, clients, Math.min(roundTrips, 500));
            timed("warm-up", grpc, engine, study, clients, Math.min(roundTrips, 500));
            for (int size : sizes) {
                int have = trialCount(engine, study);
                if (have < size) {
                    log.printf(Locale.ROOT, "growing the study from %d to %d trials ...%n", have, size);
                    grow(engine, study, size);
                }
                rows.add(timed("in-process", inProcess, engine, study, clients, roundTrips));
                rows.add(timed("grpc", grpc, engine, study, clients, roundTrips));
                log.printf(Locale.ROOT, "  %d trials: in-process ask p50 %.3f ms, grpc ask p50 %.3f ms%n", size,
                        rows.get(rows.size() - 2).askP50(), rows.get(rows.size() - 1).askP50());
            }
            return rows;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** The calls timed in one mode. */
    interface Calls {
        long ask(String worker);

        void tell(long trialId, double value);

        void getStudy();

        void bestTrials();
    }

    private static Calls inProcess(StudyEngine engine, String study) {
        return new Calls() {
            @Override
            public long ask(String worker) {
                return engine.ask(study, 1, worker).get(0).info().trial().id();
            }

            @Override
            public void tell(long trialId, double value) {
                engine.tell(study, trialId, StudyEngine.Outcome.complete(List.of(value)), "");
            }

            @Override
            public void getStudy() {
                engine.getStudy(study);
            }

            @Override
            public void bestTrials() {
                engine.bestTrials(study);
            }
        };
    }

    private static Calls overGrpc(HypatiaServiceGrpc.HypatiaServiceBlockingStub stub, String study) {
        return new Calls() {
            @Override
            public long ask(String worker) {
                return stub.ask(AskRequest.newBuilder().setStudy(study).setCount(1).setWorker(worker).build())
                        .getTrials(0).getTrial().getId();
            }

            @Override
            public void tell(long trialId, double value) {
                stub.tell(TellRequest.newBuilder().setStudy(study).setTrialId(trialId)
                        .setComplete(TellRequest.Complete.newBuilder().addValues(value)).build());
            }

            @Override
            public void getStudy() {
                stub.getStudy(GetStudyRequest.newBuilder().setStudy(study).build());
            }

            @Override
            public void bestTrials() {
                stub.getBestTrials(GetBestTrialsRequest.newBuilder().setStudy(study).build());
            }
        };
    }

    private static int trialCount(StudyEngine engine, String study) {
        return engine.getStudy(study).trialCounts().values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Adds completed trials until the study holds {@code size}: asks in batches, tells from a few threads. */
    static void grow(StudyEngine engine, String study, int size) throws Exception {
        ExecutorService tellers = Executors.newFixedThreadPool(4);
        try {
            SplittableRandom random = new SplittableRandom(size);
            for (int have = trialCount(engine, study); have < size; have = trialCount(engine, study)) {
                List<StudyEngine.Asked> batch = engine.ask(study, Math.min(StudyEngine.MAX_ASK, size - have), "grow");
                List<Future<?>> told = new ArrayList<>();
                for (int part = 0; part < 4; part++) {
                    int from = part;
                    double value = random.nextDouble();
                    told.add(tellers.submit(() -> {
                        for (int i = from; i < batch.size(); i += 4) {
                            engine.tell(study, batch.get(i).info().trial().id(),
                                    StudyEngine.Outcome.complete(List.of(value + i * 1e-9)), "");
                        }
                    }));
                }
                for (Future<?> f : told) {
                    f.get();
                }
            }
        } finally {
            tellers.shutdownNow();
        }
    }

    /** {@code roundTrips} ask+tell round trips spread over {@code clients} threads, then reads one at a time. */
    private static Row timed(String mode, Calls calls, StudyEngine engine, String study, int clients, int roundTrips)
            throws Exception {
        int before = trialCount(engine, study);
        int perClient = Math.max(1, roundTrips / clients);
        long[][] asks = new long[clients][perClient];
        long[][] tells = new long[clients][perClient];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        java.util.Map<Long, Long> alloc0 = allocatedByThread();
        java.util.concurrent.atomic.AtomicLong clientAllocated = new java.util.concurrent.atomic.AtomicLong();
        long cpu0 = RpcBench.processCpuNanos();
        long gc0 = gcMillis();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            Thread t = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(id);
                long allocatedAtStart = currentThreadAllocated();
                try {
                    for (int i = 0; i < perClient; i++) {
                        long t0 = System.nanoTime();
                        long trial = calls.ask("c" + id);
                        long t1 = System.nanoTime();
                        calls.tell(trial, random.nextDouble());
                        asks[id][i] = t1 - t0;
                        tells[id][i] = System.nanoTime() - t1;
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
                clientAllocated.addAndGet(currentThreadAllocated() - allocatedAtStart);
            }, "bench-client-" + c);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long cpu = RpcBench.processCpuNanos() - cpu0;
        long gc = gcMillis() - gc0;
        long allocated = clientAllocated.get() + allocatedSince(alloc0);
        if (failure.get() != null) {
            throw new IllegalStateException("a " + mode + " call failed: " + failure.get(), failure.get());
        }
        int reads = Math.max(50, Math.min(500, roundTrips / 4));
        long[] getStudy = new long[reads];
        long[] best = new long[reads];
        for (int i = 0; i < reads; i++) {
            long t0 = System.nanoTime();
            calls.getStudy();
            long t1 = System.nanoTime();
            calls.bestTrials();
            getStudy[i] = t1 - t0;
            best[i] = System.nanoTime() - t1;
        }
        long[] a = sorted(asks);
        long[] t = sorted(tells);
        Arrays.sort(getStudy);
        Arrays.sort(best);
        int done = perClient * clients;
        return new Row(mode, before, trialCount(engine, study), clients, done / seconds, RpcBench.ms(a, 0.5), RpcBench.ms(a, 0.99),
                RpcBench.ms(t, 0.5), RpcBench.ms(t, 0.99), RpcBench.ms(getStudy, 0.5), RpcBench.ms(getStudy, 0.99),
                RpcBench.ms(best, 0.5), RpcBench.ms(best, 0.99), cpu / 1e3 / done, gc * 1e3 / done,
                allocated / 1024.0 / done);
    }

    private static long[] sorted(long[][] perClient) {
        return Arrays.stream(perClient).flatMapToLong(Arrays::stream).sorted().toArray();
    }

    private static com.sun.management.ThreadMXBean threads() {
        return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t ? t : null;
    }

    private static long currentThreadAllocated() {
        com.sun.management.ThreadMXBean t = threads();
        return t == null ? 0 : t.getCurrentThreadAllocatedBytes();
    }

    /** Bytes allocated so far by each live thread. */
    private static java.util.Map<Long, Long> allocatedByThread() {
        java.util.Map<Long, Long> out = new java.util.HashMap<>();
        com.sun.management.ThreadMXBean t = threads();
        if (t != null) {
            long[] ids = t.getAllThreadIds();
            long[] bytes = t.getThreadAllocatedBytes(ids);
            for (int i = 0; i < ids.length; i++) {
                if (bytes[i] >= 0) {
                    out.put(ids[i], bytes[i]);
                }
            }
        }
        return out;
    }

    /**
     * Bytes the service's threads allocated since {@code before} (engine, gRPC, store writer, plugin
     * executors): unlike time, allocation does not depend on how busy the machine is, and copying
     * a study's history per request shows in it at once.
     */
    private static long allocatedSince(java.util.Map<Long, Long> before) {
        long sum = 0;
        for (var e : allocatedByThread().entrySet()) {
            if (e.getKey() == Thread.currentThread().getId()) {
                continue;
            }
            sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return sum;
    }

    static long gcMillis() {
        long sum = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }

    static void print(List<Row> rows, PrintStream out, String sampler, String service) {
        out.printf(Locale.ROOT, "bench-rpc --study-sizes: sampler %s, service %s, %d client(s); times in ms, CPU/GC in us per round trip%n",
                sampler, service, rows.isEmpty() ? 0 : rows.get(0).clients());
        out.printf(Locale.ROOT, "%-10s %15s %9s %8s %8s %8s %8s %9s %9s %9s %9s %8s %8s %8s%n", "mode", "trials", "rt/s",
                "ask p50", "ask p99", "tell p50", "tell p99", "study p50", "study p99", "best p50", "best p99", "cpu/rt", "gc/rt", "KB/rt");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-10s %15s %9.0f %8.3f %8.3f %8.3f %8.3f %9.3f %9.3f %9.3f %9.3f %8.0f %8.1f %8.1f%n", r.mode(),
                    r.sizeBefore() + ".." + r.sizeAfter(), r.roundTripsPerSecond(), r.askP50(), r.askP99(), r.tellP50(), r.tellP99(),
                    r.getStudyP50(), r.getStudyP99(), r.bestP50(), r.bestP99(), r.cpuMicrosPerRoundTrip(), r.gcMicrosPerRoundTrip(),
                    r.allocatedKbPerRoundTrip());
        }
        for (String mode : List.of("in-process", "grpc")) {
            List<Row> m = rows.stream().filter(r -> r.mode().equals(mode)).toList();
            if (m.size() >= 2) {
                Row first = m.get(0);
                Row last = m.get(m.size() - 1);
                out.printf(Locale.ROOT, "%s, largest / smallest study: ask p50 x%.2f, ask p99 x%.2f, round trips/s x%.2f, CPU per round trip x%.2f,"
                        + " allocation per round trip x%.2f%n",
                        mode, last.askP50() / first.askP50(), last.askP99() / first.askP99(),
                        last.roundTripsPerSecond() / first.roundTripsPerSecond(), last.cpuMicrosPerRoundTrip() / first.cpuMicrosPerRoundTrip(),
                        last.allocatedKbPerRoundTrip() / first.allocatedKbPerRoundTrip());
            }
        }
        printGoal(rows, out);
    }

    /** How far a study may grow the cost of a request (issue 13: flat within 20% from 1k to 100k trials). */
    static final double FLAT_WITHIN = 0.20;

    /**
     * Issue 13's goal, judged over gRPC: at every larger size, round trips/s at least 80% and ask
     * p50 and p99 at most 120% of the smallest study's; prints the worst ratio of each (faster at a
     * larger size is not a failure).
     */
    static void printGoal(List<Row> rows, PrintStream out) {
        List<Row> grpc = rows.stream().filter(r -> r.mode().equals("grpc")).toList();
        if (grpc.size() < 2) {
            return;
        }
        Row first = grpc.get(0);
        double worstRate = Double.POSITIVE_INFINITY;
        double worstP50 = 0;
        double worstP99 = 0;
        for (Row r : grpc.subList(1, grpc.size())) {
            worstRate = Math.min(worstRate, r.roundTripsPerSecond() / first.roundTripsPerSecond());
            worstP50 = Math.max(worstP50, r.askP50() / first.askP50());
            worstP99 = Math.max(worstP99, r.askP99() / first.askP99());
        }
        List<String> missed = new ArrayList<>();
        if (worstRate < 1 - FLAT_WITHIN) {
            missed.add("round trips/s");
        }
        if (worstP50 > 1 + FLAT_WITHIN) {
            missed.add("ask p50");
        }
        if (worstP99 > 1 + FLAT_WITHIN) {
            missed.add("ask p99");
        }
        out.printf(Locale.ROOT, "goal (issue 13: throughput and ask latency within %.0f%% from %s to %s trials, over gRPC):"
                        + " the worst larger study against the smallest: round trips/s x%.2f, ask p50 x%.2f, ask p99 x%.2f: %s%n",
                FLAT_WITHIN * 100, first.sizeBefore() + ".." + first.sizeAfter(),
                grpc.get(grpc.size() - 1).sizeBefore() + ".." + grpc.get(grpc.size() - 1).sizeAfter(), worstRate, worstP50, worstP99,
                missed.isEmpty() ? "MET" : "NOT MET (" + String.join(", ", missed) + ")");
    }

    static void writeCsv(Path csv, List<Row> rows, String sampler, String service) throws IOException {
        boolean header = !Files.exists(csv);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv, StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            if (header) {
                w.println("mode,trials_before,trials_after,clients,sampler,service,round_trips_per_s,ask_p50_ms,ask_p99_ms,"
                        + "tell_p50_ms,tell_p99_ms,get_study_p50_ms,get_study_p99_ms,best_p50_ms,best_p99_ms,cpu_us_per_round_trip,"
                        + "gc_us_per_round_trip,allocated_kb_per_round_trip");
            }
            for (Row r : rows) {
                w.printf(Locale.ROOT, "%s,%d,%d,%d,%s,\"%s\",%.1f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.1f,%.2f,%.2f%n", r.mode(),
                        r.sizeBefore(), r.sizeAfter(), r.clients(), sampler, service, r.roundTripsPerSecond(), r.askP50(), r.askP99(),
                        r.tellP50(), r.tellP99(), r.getStudyP50(), r.getStudyP99(), r.bestP50(), r.bestP99(),
                        r.cpuMicrosPerRoundTrip(), r.gcMicrosPerRoundTrip(), r.allocatedKbPerRoundTrip());
            }
        }
    }
}
