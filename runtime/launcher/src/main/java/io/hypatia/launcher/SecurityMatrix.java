package io.hypatia.launcher;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.hypatia.engine.security.Role;
import io.hypatia.engine.security.TokenFile;
import io.hypatia.gateway.GatewayServer;
import io.hypatia.gateway.RpcMetricsInterceptor;
import io.hypatia.gateway.SelfSignedCertificate;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code hypatia bench-rpc --security-matrix}: the cost of authentication and TLS, measured so
 * that the machine's drift (other load, JIT warm-up, a growing study) cannot pass for it. One
 * embedded engine serves four gateways at once — plaintext, token, TLS, token+TLS — and the
 * variants are measured in short interleaved segments, round after round, each round in a
 * rotated order (ABCD, BCDA, CDAB, DABC, ...) so no variant always runs first or last. Reported
 * per variant: the median over rounds of ask+tell round trips per second and of the process CPU
 * time per round trip (clients and service in this one process; CPU time is little affected by
 * other processes' load), and both as ratios to plaintext.
 */
final class SecurityMatrix {
    private SecurityMatrix() {
    }

    static int run(Args a) throws Exception {
        int clients = a.getInt("clients", 16, 1, 1024);
        int seconds = a.getInt("seconds", 5, 1, 3600);
        int warmup = a.getInt("warmup", 5, 0, 600);
        int rounds = a.getInt("rounds", 6, 1, 1000);
        String sampler = a.get("sampler", "random");
        Path csv = Path.of(a.get("csv", "bench-rpc-security.csv"));
        Path dir = Files.createTempDirectory("hypatia-bench");
        Path tokens = dir.resolve("tokens.txt");
        String token = TokenFile.add(tokens, "bench", Role.USER, "bench-rpc --security-matrix");
        SelfSignedCertificate cert = SelfSignedCertificate.create(dir, "bench-server");
        GatewayServer.Tls tls = new GatewayServer.Tls(cert.cert(), cert.key(), null);

        HypatiaServer.Options o = Main.options(a, 0, dir.resolve("data"));
        GatewayServer.Settings base = o.gateway();
        Map<RpcBench.Security, GatewayServer> gateways = new EnumMap<>(RpcBench.Security.class);
        Map<RpcBench.Security, ManagedChannel> channels = new EnumMap<>(RpcBench.Security.class);
        try (HypatiaServer server = HypatiaServer.start(o)) {
            Map<RpcBench.Security, HypatiaServiceGrpc.HypatiaServiceBlockingStub> stubs = new EnumMap<>(RpcBench.Security.class);
            Map<RpcBench.Security, String> studies = new EnumMap<>(RpcBench.Security.class);
            // The four gateways share one metrics interceptor (on a registry of their own), so each
            // call costs what a call to `hypatia serve` costs.
            RpcMetricsInterceptor metrics = new RpcMetricsInterceptor(new io.prometheus.metrics.model.registry.PrometheusRegistry());
            for (RpcBench.Security s : RpcBench.Security.values()) {
                // Each variant its own gateway on the one engine.
                GatewayServer.Settings settings = new GatewayServer.Settings(s.token ? tokens : null, s.tls ? tls : null,
                        base.insecure(), base.limits(), base.quotas(), base.adminOnly());
                GatewayServer g = GatewayServer.start(server.engine(), "127.0.0.1", 0, settings,
                        List.of(metrics));
                gateways.put(s, g);
                ManagedChannel channel = RpcBench.channel("127.0.0.1", g.port(), s.tls ? cert.cert() : null);
                channels.put(s, channel);
                HypatiaServiceGrpc.HypatiaServiceBlockingStub stub = HypatiaServiceGrpc.newBlockingStub(channel);
                if (s.token) {
                    Metadata headers = new Metadata();
                    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                    stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
                }
                stubs.put(s, stub);
                studies.put(s, RpcBench.createStudy(stub, "security-" + s.name().toLowerCase(java.util.Locale.ROOT), sampler));
            }
            RpcBench.Security[] variants = RpcBench.Security.values();
            System.out.printf("bench-rpc --security-matrix: %d clients, sampler %s, fsync %s; %d s warm-up per variant, then %d "
                    + "rounds of %d s per variant in rotated order%n", clients, sampler, !a.flag("no-fsync"), warmup, rounds, seconds);
            for (RpcBench.Security s : variants) { // connections, TLS sessions, JIT: warm every path first
                RpcBench.Segment w = RpcBench.drive(stubs.get(s), studies.get(s), clients, 0, Math.max(1, warmup), null);
                if (w.failure() != null) {
                    System.err.println("bench-rpc: an RPC failed (" + s.label() + "): " + w.failure());
                    return 1;
                }
            }
            Map<RpcBench.Security, List<RpcBench.Segment>> results = new EnumMap<>(RpcBench.Security.class);
            boolean header = !Files.exists(csv);
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv, StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
                if (header) {
                    w.println("round,position,security,clients,seconds,sampler,round_trips_per_s,cpu_us_per_round_trip,"
                            + "ask_p50_ms,ask_p99_ms,tell_p50_ms,tell_p99_ms");
                }
                ProgressBar bar = new ProgressBar(System.out, rounds * variants.length);
                for (int r = 0; r < rounds; r++) {
                    for (int i = 0; i < variants.length; i++) {
                        RpcBench.Security s = variants[(r + i) % variants.length];
                        RpcBench.Segment m = RpcBench.drive(stubs.get(s), studies.get(s), clients, 0, seconds, null);
                        if (m.failure() != null) {
                            System.err.println("bench-rpc: an RPC failed (" + s.label() + "): " + m.failure());
                            return 1;
                        }
                        results.computeIfAbsent(s, k -> new ArrayList<>()).add(m);
                        w.printf("%d,%d,%s,%d,%d,%s,%.1f,%.1f,%.3f,%.3f,%.3f,%.3f%n", r + 1, i + 1, s.label(), clients, seconds, sampler,
                                m.perSecond(), m.cpuMicrosPerRoundTrip(), RpcBench.ms(m.asks(), 0.5), RpcBench.ms(m.asks(), 0.99),
                                RpcBench.ms(m.tells(), 0.5), RpcBench.ms(m.tells(), 0.99));
                        w.flush();
                        bar.update(r * variants.length + i + 1, "segments");
                    }
                }
                bar.finish(rounds * variants.length, "segments");
            }
            print(results, variants);
            System.out.println("one row per segment appended to " + csv.toAbsolutePath());
            return 0;
        } finally {
            for (ManagedChannel c : channels.values()) {
                c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            gateways.values().forEach(GatewayServer::close);
        }
    }

    private static void print(Map<RpcBench.Security, List<RpcBench.Segment>> results, RpcBench.Security[] variants) {
        double plainRate = median(results.get(RpcBench.Security.PLAINTEXT), RpcBench.Segment::perSecond);
        double plainCpu = median(results.get(RpcBench.Security.PLAINTEXT), RpcBench.Segment::cpuMicrosPerRoundTrip);
        System.out.printf("%-10s %14s %9s %18s %9s %12s %30s%n", "security", "round trips/s", "vs plain", "CPU us/round trip",
                "vs plain", "ask p50 ms", "round trips/s per round");
        for (RpcBench.Security s : variants) {
            List<RpcBench.Segment> segments = results.get(s);
            double rate = median(segments, RpcBench.Segment::perSecond);
            double cpu = median(segments, RpcBench.Segment::cpuMicrosPerRoundTrip);
            double askP50 = median(segments, m -> RpcBench.ms(m.asks(), 0.5));
            StringBuilder perRound = new StringBuilder();
            for (RpcBench.Segment m : segments) {
                perRound.append(perRound.length() == 0 ? "" : " ").append(Math.round(m.perSecond()));
            }
            System.out.printf("%-10s %14.0f %9.2f %18.0f %9.2f %12.2f %30s%n", s.label(), rate, rate / plainRate, cpu, cpu / plainCpu,
                    askP50, perRound);
        }
        System.out.println("(medians over rounds; CPU time is this whole process, clients and service together)");
    }

    private static double median(List<RpcBench.Segment> segments, java.util.function.ToDoubleFunction<RpcBench.Segment> f) {
        double[] v = segments.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
