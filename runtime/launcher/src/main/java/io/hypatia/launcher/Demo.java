package io.hypatia.launcher;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.space.Config;
import io.hypatia.engine.Plugins;
import io.hypatia.gateway.ProtoMapping;
import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.Direction;
import io.hypatia.grpc.v1.GetBestTrialsRequest;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.Objective;
import io.hypatia.grpc.v1.PluginSelection;
import io.hypatia.grpc.v1.TellRequest;
import io.hypatia.grpc.v1.Trial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code hypatia demo}: starts the service on the embedded store, optimises a benchmark plugin
 * through the real gRPC API with concurrent worker threads (each one a trainer: ask, evaluate,
 * tell), shows progress, prints the best trial and exits.
 */
final class Demo {
    private Demo() {
    }

    static int run(Args a) throws Exception {
        int trials = a.getInt("trials", 200, 1, 1_000_000);
        int workers = a.getInt("workers", 4, 1, 256);
        String benchmarkName = a.get("benchmark", "branin");
        String samplerName = a.get("sampler", "random");
        long seed = a.getInt("seed", 1, Integer.MIN_VALUE, Integer.MAX_VALUE);
        Path dataDir = a.get("data-dir", null) != null ? Path.of(a.get("data-dir", null)) : Files.createTempDirectory("hypatia-demo");
        Logger.getLogger("").setLevel(Level.WARNING); // keep the bar readable; warnings still show

        try (HypatiaServer server = HypatiaServer.start(Main.options(a, 0, dataDir))) {
            server.engine().setStudyIdleEvictMillis(Main.studyIdleEvictMillis(a));
            Optional<Plugins.Resolved<Benchmark>> found = server.plugins().benchmark(benchmarkName, "");
            if (found.isEmpty()) {
                System.err.println("hypatia demo: no benchmark named '" + benchmarkName + "'; loaded benchmarks: "
                        + server.plugins().list().stream().filter(p -> p.kind().equals("benchmark")).map(p -> p.name()).toList());
                return 2;
            }
            Benchmark benchmark = found.get().service();
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                return optimise(channel, benchmark, samplerName, seed, trials, workers, server.port(), dataDir);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static int optimise(ManagedChannel channel, Benchmark benchmark, String samplerName, long seed, int trials,
                                int workers, int port, Path dataDir) throws Exception {
        HypatiaServiceGrpc.HypatiaServiceBlockingStub stub = HypatiaServiceGrpc.newBlockingStub(channel);
        String study = "demo-" + benchmark.name() + "-" + System.currentTimeMillis();
        CreateStudyRequest.Builder create = CreateStudyRequest.newBuilder().setName(study)
                .setSearchSpace(ProtoMapping.toProto(benchmark.space()))
                .setSampler(PluginSelection.newBuilder().setName(samplerName).putConfig("seed", Long.toString(seed)));
        for (io.hypatia.api.study.Objective o : benchmark.objectives()) {
            create.addObjectives(Objective.newBuilder().setName(o.name())
                    .setDirection(o.direction() == io.hypatia.api.study.Direction.MINIMIZE ? Direction.MINIMIZE : Direction.MAXIMIZE));
        }
        stub.createStudy(create.build());
        String optimum = benchmark.optimalValue().isPresent() ? " (known optimum " + benchmark.optimalValue().getAsDouble() + ")" : "";
        System.out.println("Hypatia demo: " + trials + " trials of " + benchmark.name() + optimum + ", sampler " + samplerName
                + ", " + workers + " workers over gRPC on 127.0.0.1:" + port + ", studies stored in " + dataDir.toAbsolutePath());

        boolean minimize = benchmark.objectives().get(0).direction() == io.hypatia.api.study.Direction.MINIMIZE;
        double budget = benchmark.fidelity().map(f -> f.max()).orElse(0.0); // full training for multi-fidelity benchmarks
        AtomicInteger started = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicReference<Double> best = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            String worker = "demo-worker-" + w;
            Thread t = new Thread(() -> {
                try {
                    while (started.getAndIncrement() < trials && failure.get() == null) {
                        Trial trial = stub.ask(AskRequest.newBuilder().setStudy(study).setCount(1).setWorker(worker).build())
                                .getTrials(0).getTrial();
                        Config config = ProtoMapping.toConfig(trial.getConfigList());
                        List<Double> values = benchmark.evaluate(config, budget, seed).values();
                        stub.tell(TellRequest.newBuilder().setStudy(study).setTrialId(trial.getId())
                                .setRequestId(worker + "-" + trial.getId())
                                .setComplete(TellRequest.Complete.newBuilder().addAllValues(values)).build());
                        double v = values.get(0);
                        best.accumulateAndGet(v, (x, y) -> x == null ? y : minimize ? Math.min(x, y) : Math.max(x, y));
                        done.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, worker);
            t.start();
            threads.add(t);
        }
        ProgressBar bar = new ProgressBar(System.out, trials);
        while (threads.stream().anyMatch(Thread::isAlive)) {
            bar.update(done.get(), "best " + format(best.get()));
            Thread.sleep(100);
        }
        bar.finish(done.get(), "best " + format(best.get()));
        if (failure.get() != null) {
            System.err.println("hypatia demo: a worker failed: " + failure.get());
            return 1;
        }
        for (Trial t : stub.getBestTrials(GetBestTrialsRequest.newBuilder().setStudy(study).build()).getTrialsList()) {
            StringBuilder line = new StringBuilder("best trial #" + t.getNumber() + ": " + benchmark.objectives().get(0).name()
                    + " = " + t.getValues(0));
            if (benchmark.optimalValue().isPresent()) {
                line.append(String.format(" (regret %.6g)", Math.abs(t.getValues(0) - benchmark.optimalValue().getAsDouble())));
            }
            line.append("\n  config: ").append(ProtoMapping.toConfig(t.getConfigList()));
            System.out.println(line);
        }
        // A sampler that throws or hangs is replaced by random sampling for that trial: say so.
        long fallbacks = stub.getStudy(io.hypatia.grpc.v1.GetStudyRequest.newBuilder().setStudy(study).build())
                .getStudy().getPluginFallbacks();
        System.out.println(fallbacks == 0 ? "every trial was suggested by " + samplerName
                : "WARNING: " + fallbacks + " of " + trials + " suggestions fell back to random sampling because " + samplerName
                + " failed or ran too long (see the log; check it with `hypatia plugin verify`)");
        return 0;
    }

    private static String format(Double v) {
        return v == null ? "-" : String.format("%.6g", v);
    }
}
