package io.hypatia.launcher;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.hypatia.engine.security.Role;
import io.hypatia.engine.security.TokenFile;
import io.hypatia.gateway.GatewayServer;
import io.hypatia.gateway.SelfSignedCertificate;
import io.hypatia.gateway.ProtoMapping;
import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.Direction;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.Objective;
import io.hypatia.grpc.v1.PluginSelection;
import io.hypatia.grpc.v1.TellRequest;
import io.hypatia.grpc.v1.Trial;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.SearchSpace;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code hypatia bench-rpc}: ask+tell round trips per second through gRPC with N concurrent
 * clients on one study, and the latency distribution of a single ask and a single tell.
 * Starts an embedded service on a fresh data folder unless {@code --target host:port} is given.
 */
final class RpcBench {
    private RpcBench() {
    }

    /** How the embedded service is secured in one measurement. */
    enum Security {
        PLAINTEXT(false, false), TOKEN(true, false), TLS(false, true), TOKEN_TLS(true, true);

        final boolean token;
        final boolean tls;

        Security(boolean token, boolean tls) {
            this.token = token;
            this.tls = tls;
        }

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '+');
        }
    }

    static int run(Args a) throws Exception {
        Logger.getLogger("").setLevel(Level.WARNING);
        String target = a.get("target", null);
        if (a.flag("security-matrix")) {
            if (target != null) {
                throw new Args.UsageException("--security-matrix measures embedded services; it cannot be combined with --target");
            }
            return SecurityMatrix.run(a);
        }
        if (a.flag("restart")) {
            if (target != null) {
                throw new Args.UsageException("--restart starts its own services; it cannot be combined with --target");
            }
            return RestartBench.run(a);
        }
        if (a.get("study-sizes", null) != null) {
            if (target != null) {
                throw new Args.UsageException("--study-sizes grows a study in an embedded service; it cannot be combined with --target");
            }
            return StudySizeBench.run(a);
        }
        if (target == null) {
            return runEmbedded(a, Security.PLAINTEXT);
        }
        String ca = a.get("tls-ca", null);
        // several gateways (h1:p1,h2:p2) share one round-robin channel, as the clients do
        Path trusted = ca == null ? null : Path.of(ca);
        return measureOn(a, () -> ClientChannels.open(target, false, trusted), a.get("token", null),
                a.get("leg", target), (ca != null ? "tls" : "plaintext") + (a.get("token", null) != null ? "+token" : ""));
    }

    private static int runEmbedded(Args a, Security security) throws Exception {
        Path dir = Files.createTempDirectory("hypatia-bench");
        HypatiaServer.Options o = Main.options(a, 0, dir.resolve("data"));
        String token = null;
        Path tokens = null;
        SelfSignedCertificate cert = null;
        if (security.token) {
            tokens = dir.resolve("tokens.txt");
            token = TokenFile.add(tokens, "bench", Role.USER, "bench-rpc");
        }
        if (security.tls) {
            cert = SelfSignedCertificate.create(dir, "bench-server");
        }
        GatewayServer.Settings g = o.gateway();
        o = o.withGateway(new GatewayServer.Settings(tokens, cert == null ? null : new GatewayServer.Tls(cert.cert(), cert.key(), null),
                g.insecure(), g.limits(), g.quotas(), g.adminOnly()));
        try (HypatiaServer server = HypatiaServer.start(o)) {
            server.engine().setStudyIdleEvictMillis(Main.studyIdleEvictMillis(a));
            Path trusted = cert == null ? null : cert.cert();
            return measureOn(a, () -> channel("127.0.0.1", server.port(), trusted), token,
                    a.get("leg", "embedded, fsync " + !a.flag("no-fsync")), security.label());
        }
    }

    static ManagedChannel channel(String host, int port, Path trustedCa) throws Exception {
        return ClientChannels.open(host + ":" + port, false, trustedCa);
    }

    /** Opens a channel to the measured service. */
    @FunctionalInterface
    interface Channels {
        ManagedChannel open() throws Exception;
    }

    private static int measureOn(Args a, Channels channels, String token, String where, String security) throws Exception {
        List<ManagedChannel> open = new ArrayList<>();
        try {
            open.add(channels.open());
            HypatiaServiceGrpc.HypatiaServiceBlockingStub stub = stub(open.get(0), token);
            // By default every client thread shares one channel (one HTTP/2 connection); trainers on
            // their own machines each have their own, which --channel-per-client reproduces.
            boolean perClient = a.flag("channel-per-client");
            List<HypatiaServiceGrpc.HypatiaServiceBlockingStub> stubs = new ArrayList<>();
            List<Integer> clientCounts = intList(a.get("clients", "16"), "--clients", 1, 1024);
            List<String> samplers = List.of(a.get("sampler", "random").split(","));
            int seconds = a.getInt("seconds", 20, 1, 3600), warmup = a.getInt("warmup", 5, 0, 600);
            Path csv = Path.of(a.get("csv", "bench-rpc.csv"));
            List<String> summary = new ArrayList<>();
            for (String sampler : samplers) {
                for (int clients : clientCounts) {
                    while (perClient && stubs.size() < clients) {
                        ManagedChannel c = channels.open();
                        open.add(c);
                        stubs.add(stub(c, token));
                    }
                    HypatiaServiceGrpc.HypatiaServiceBlockingStub shared = stub;
                    IntFunction<HypatiaServiceGrpc.HypatiaServiceBlockingStub> stubOf = perClient ? stubs::get : c -> shared;
                    Segment m = measure(stub, stubOf, clients, seconds, warmup, sampler.trim(), csv, where,
                            security + (perClient ? ", a channel per client" : ""));
                    if (m == null) {
                        return 1;
                    }
                    summary.add(String.format("%-36s %-7s %4d %10.1f %10.2f %10.2f", where, sampler.trim(), clients,
                            m.perSecond(), ms(m.asks(), 0.5), ms(m.asks(), 0.99)));
                }
            }
            if (summary.size() > 1) { // one table for a list of legs
                System.out.printf("%n%-36s %-7s %4s %10s %10s %10s%n", "leg", "sampler", "N", "trials/s", "ask_p50_ms", "ask_p99_ms");
                summary.forEach(System.out::println);
            }
            return 0;
        } finally {
            for (ManagedChannel c : open) {
                c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static HypatiaServiceGrpc.HypatiaServiceBlockingStub stub(ManagedChannel channel, String token) {
        HypatiaServiceGrpc.HypatiaServiceBlockingStub stub = HypatiaServiceGrpc.newBlockingStub(channel);
        if (token != null) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
            stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        return stub;
    }

    /** A comma-separated list of whole numbers, each in [min, max]. */
    static List<Integer> intList(String value, String option, int min, int max) {
        List<Integer> out = new ArrayList<>();
        for (String part : value.split(",")) {
            int n;
            try {
                n = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                throw new Args.UsageException(option + " takes whole numbers separated by commas, got '" + value + "'");
            }
            if (n < min || n > max) {
                throw new Args.UsageException(option + " values must be between " + min + " and " + max + ", got " + n);
            }
            out.add(n);
        }
        return out;
    }

    /** One leg: a fresh study, {@code clients} threads; prints and appends its figures; null when an RPC failed. */
    private static Segment measure(HypatiaServiceGrpc.HypatiaServiceBlockingStub stub,
                                   IntFunction<HypatiaServiceGrpc.HypatiaServiceBlockingStub> stubOf, int clients, int seconds,
                                   int warmup, String sampler, Path csv, String where, String security) throws Exception {
        String study = createStudy(stub, "bench-rpc-" + System.currentTimeMillis(), sampler);
        System.out.printf("bench-rpc: %d clients, %d s warm-up + %d s measured, sampler %s, service %s, %s%n",
                clients, warmup, seconds, sampler, where, security);
        ProgressBar bar = new ProgressBar(System.out, warmup + seconds);
        Segment m = drive(stubOf, study, clients, warmup, seconds, bar);
        if (m.failure() != null) {
            System.err.println("bench-rpc: an RPC failed: " + m.failure());
            return null;
        }
        long[] asks = m.asks();
        long[] tells = m.tells();
        double perSecond = m.perSecond();
        System.out.printf("round trips (ask+tell): %d in %d s = %.0f per second%n", asks.length, seconds, perSecond);
        System.out.printf("ask  latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n", ms(asks, 0.5), ms(asks, 0.9), ms(asks, 0.99), ms(asks, 1));
        System.out.printf("tell latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n", ms(tells, 0.5), ms(tells, 0.9), ms(tells, 0.99), ms(tells, 1));
        boolean header = !Files.exists(csv);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND))) {
            if (header) {
                w.println("clients,seconds,sampler,service,round_trips_per_s,ask_p50_ms,ask_p99_ms,tell_p50_ms,tell_p99_ms,security");
            }
            w.printf("%d,%d,%s,\"%s\",%.1f,%.3f,%.3f,%.3f,%.3f,%s%n", clients, seconds, sampler, where, perSecond,
                    ms(asks, 0.5), ms(asks, 0.99), ms(tells, 0.5), ms(tells, 0.99), security);
        }
        System.out.println("appended to " + csv.toAbsolutePath());
        return m;
    }

    /** Creates the benchmark's study (4 parameters, one objective) and returns its name. */
    static String createStudy(HypatiaServiceGrpc.HypatiaServiceBlockingStub stub, String study, String sampler) {
        SearchSpace space = SearchSpace.of(List.of(new FloatParameter("lr", 1e-5, 1e-1, true),
                new FloatParameter("dropout", 0, 0.5, false), new IntParameter("layers", 1, 8),
                new CategoricalParameter("optimizer", List.of("sgd", "adam", "rmsprop"))));
        stub.createStudy(CreateStudyRequest.newBuilder().setName(study).setSearchSpace(ProtoMapping.toProto(space))
                .addObjectives(Objective.newBuilder().setName("loss").setDirection(Direction.MINIMIZE))
                .setSampler(PluginSelection.newBuilder().setName(sampler)).build());
        return study;
    }

    /**
     * One measurement: the sorted ask and tell latencies of the round trips started after the
     * warm-up, the measured seconds, and the CPU time the whole process (clients and service) used
     * over them.
     */
    record Segment(long[] asks, long[] tells, int seconds, long cpuNanos, Throwable failure) {
        double perSecond() {
            return asks.length / (double) seconds;
        }

        /** Process CPU microseconds per ask+tell round trip, clients and service together. */
        double cpuMicrosPerRoundTrip() {
            return asks.length == 0 ? Double.NaN : cpuNanos / 1e3 / asks.length;
        }
    }

    /** {@code clients} threads doing ask+tell on {@code study} for {@code warmup + seconds} seconds. */
    static Segment drive(HypatiaServiceGrpc.HypatiaServiceBlockingStub stub, String study, int clients, int warmup, int seconds,
                         ProgressBar bar) throws InterruptedException {
        return drive(c -> stub, study, clients, warmup, seconds, bar);
    }

    /** As above, client {@code c} calling through {@code stubOf.apply(c)}. */
    static Segment drive(IntFunction<HypatiaServiceGrpc.HypatiaServiceBlockingStub> stubOf, String study, int clients, int warmup,
                         int seconds, ProgressBar bar) throws InterruptedException {
        long warmupEnd = System.nanoTime() + warmup * 1_000_000_000L;
        long end = warmupEnd + seconds * 1_000_000_000L;
        long[][] askLatencies = new long[clients][];
        long[][] tellLatencies = new long[clients][];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            HypatiaServiceGrpc.HypatiaServiceBlockingStub stub = stubOf.apply(c);
            Thread t = new Thread(() -> {
                long[] asks = new long[1 << 16];
                long[] tells = new long[1 << 16];
                int n = 0;
                try {
                    while (true) {
                        long t0 = System.nanoTime();
                        if (t0 >= end) {
                            break;
                        }
                        Trial trial = stub.ask(AskRequest.newBuilder().setStudy(study).setCount(1).setWorker("c" + id).build())
                                .getTrials(0).getTrial();
                        long t1 = System.nanoTime();
                        stub.tell(TellRequest.newBuilder().setStudy(study).setTrialId(trial.getId())
                                .setComplete(TellRequest.Complete.newBuilder().addValues(Math.random())).build());
                        long t2 = System.nanoTime();
                        if (t0 >= warmupEnd) {
                            if (n == asks.length) {
                                asks = Arrays.copyOf(asks, n * 2);
                                tells = Arrays.copyOf(tells, n * 2);
                            }
                            asks[n] = t1 - t0;
                            tells[n] = t2 - t1;
                            n++;
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
                askLatencies[id] = Arrays.copyOf(asks, n);
                tellLatencies[id] = Arrays.copyOf(tells, n);
            });
            t.start();
            threads.add(t);
        }
        long start = System.nanoTime();
        long cpuAtWarmupEnd = -1;
        while (threads.stream().anyMatch(Thread::isAlive)) {
            if (cpuAtWarmupEnd < 0 && System.nanoTime() >= warmupEnd) {
                cpuAtWarmupEnd = processCpuNanos();
            }
            if (bar != null) {
                bar.update((int) Math.min(warmup + seconds, (System.nanoTime() - start) / 1_000_000_000L), "seconds");
            }
            Thread.sleep(cpuAtWarmupEnd < 0 ? 10 : 200);
        }
        long cpu = processCpuNanos() - Math.max(0, cpuAtWarmupEnd);
        if (bar != null) {
            bar.finish(warmup + seconds, "seconds");
        }
        for (Thread t : threads) {
            t.join();
        }
        long[] asks = Arrays.stream(askLatencies).flatMapToLong(Arrays::stream).sorted().toArray();
        long[] tells = Arrays.stream(tellLatencies).flatMapToLong(Arrays::stream).sorted().toArray();
        return new Segment(asks, tells, seconds, cpu, failure.get());
    }

    /** CPU time of this whole process (all threads), or -1 where the JVM cannot tell. */
    static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** Nearest-rank percentile {@code q} of sorted nanoseconds, in milliseconds. */
    static double ms(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }
}
