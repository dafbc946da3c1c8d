package io.hypatia.launcher;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
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

    static int run(Args a) throws Exception {
        int clients = a.getInt("clients", 16, 1, 1024);
        int seconds = a.getInt("seconds", 20, 1, 3600);
        int warmup = a.getInt("warmup", 5, 0, 600);
        String sampler = a.get("sampler", "random");
        Path csv = Path.of(a.get("csv", "bench-rpc.csv"));
        String target = a.get("target", null);
        Logger.getLogger("").setLevel(Level.WARNING);
        HypatiaServer server = null;
        String host;
        int port;
        if (target == null) {
            server = HypatiaServer.start(Main.options(a, 0, Files.createTempDirectory("hypatia-bench")));
            host = "127.0.0.1";
            port = server.port();
        } else {
            host = target.substring(0, target.lastIndexOf(':'));
            port = Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
        }
        ManagedChannel channel = ManagedChannelBuilder.forAddress(host, port).usePlaintext().build();
        try {
            return measure(HypatiaServiceGrpc.newBlockingStub(channel), clients, seconds, warmup, sampler, csv,
                    target == null ? "embedded, fsync " + !a.flag("no-fsync") : target);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            if (server != null) {
                server.close();
            }
        }
    }

    private static int measure(HypatiaServiceGrpc.HypatiaServiceBlockingStub stub, int clients, int seconds, int warmup,
                               String sampler, Path csv, String where) throws Exception {
        String study = "bench-rpc-" + System.currentTimeMillis();
        SearchSpace space = SearchSpace.of(List.of(new FloatParameter("lr", 1e-5, 1e-1, true),
                new FloatParameter("dropout", 0, 0.5, false), new IntParameter("layers", 1, 8),
                new CategoricalParameter("optimizer", List.of("sgd", "adam", "rmsprop"))));
        stub.createStudy(CreateStudyRequest.newBuilder().setName(study).setSearchSpace(ProtoMapping.toProto(space))
                .addObjectives(Objective.newBuilder().setName("loss").setDirection(Direction.MINIMIZE))
                .setSampler(PluginSelection.newBuilder().setName(sampler)).build());
        System.out.printf("bench-rpc: %d clients, %d s warm-up + %d s measured, sampler %s, service %s%n",
                clients, warmup, seconds, sampler, where);
        long warmupEnd = System.nanoTime() + warmup * 1_000_000_000L;
        long end = warmupEnd + seconds * 1_000_000_000L;
        long[][] askLatencies = new long[clients][];
        long[][] tellLatencies = new long[clients][];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
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
        ProgressBar bar = new ProgressBar(System.out, warmup + seconds);
        long start = System.nanoTime();
        while (threads.stream().anyMatch(Thread::isAlive)) {
            bar.update((int) Math.min(warmup + seconds, (System.nanoTime() - start) / 1_000_000_000L), "seconds");
            Thread.sleep(200);
        }
        bar.finish(warmup + seconds, "seconds");
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            System.err.println("bench-rpc: an RPC failed: " + failure.get());
            return 1;
        }
        long[] asks = Arrays.stream(askLatencies).flatMapToLong(Arrays::stream).sorted().toArray();
        long[] tells = Arrays.stream(tellLatencies).flatMapToLong(Arrays::stream).sorted().toArray();
        double perSecond = asks.length / (double) seconds;
        System.out.printf("round trips (ask+tell): %d in %d s = %.0f per second%n", asks.length, seconds, perSecond);
        System.out.printf("ask  latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n", ms(asks, 0.5), ms(asks, 0.9), ms(asks, 0.99), ms(asks, 1));
        System.out.printf("tell latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n", ms(tells, 0.5), ms(tells, 0.9), ms(tells, 0.99), ms(tells, 1));
        boolean header = !Files.exists(csv);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND))) {
            if (header) {
                w.println("clients,seconds,sampler,service,round_trips_per_s,ask_p50_ms,ask_p99_ms,tell_p50_ms,tell_p99_ms");
            }
            w.printf("%d,%d,%s,\"%s\",%.1f,%.3f,%.3f,%.3f,%.3f%n", clients, seconds, sampler, where, perSecond,
                    ms(asks, 0.5), ms(asks, 0.99), ms(tells, 0.5), ms(tells, 0.99));
        }
        System.out.println("appended to " + csv.toAbsolutePath());
        return 0;
    }

    private static double ms(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }
}
