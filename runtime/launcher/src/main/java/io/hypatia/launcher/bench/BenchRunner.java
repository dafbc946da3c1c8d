package io.hypatia.launcher.bench;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.engine.PluginInfo;
import io.hypatia.engine.Plugins;
import io.hypatia.engine.StudyEngine;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Runs a plan: every optimizer x benchmark x seed is one independent run, executed on a fixed
 * pool of {@code parallel} threads; rows are written to {@code evaluations.csv} in plan order
 * (whatever order runs finish in), so an in-process result file is byte-for-byte the same
 * however many threads ran it, apart from the wall_time column.
 */
public final class BenchRunner {

    /** One run of the plan. */
    record Task(int index, OptimizerSpec optimizer, String benchmarkName, Benchmark benchmark, long seed) {
        String label() {
            return optimizer.label() + " / " + benchmarkName + " / seed " + seed;
        }
    }

    /** What a plan run produced. */
    public record Result(Path csv, int runs, List<String> failures, List<String> warnings, long rows, double wallSeconds) {
    }

    private final BenchPlan plan;
    private final Plugins plugins;
    private final Supplier<StudyBackend> serviceBackend;
    private final PrintStream log;

    /**
     * @param serviceBackend for service mode, a shared gRPC backend; null in-process, where each
     *                       run gets its own engine and in-memory store
     */
    public BenchRunner(BenchPlan plan, Plugins plugins, Supplier<StudyBackend> serviceBackend, PrintStream log) {
        this.plan = plan;
        this.plugins = plugins;
        this.serviceBackend = serviceBackend;
        this.log = log;
    }

    /** Names of the loaded plugins of one kind, sorted. */
    static List<String> loaded(Plugins plugins, String kind) {
        return plugins.list().stream().filter(p -> p.kind().equals(kind)).map(PluginInfo::name).distinct().sorted().toList();
    }

    /** Benchmark names matching the plan's names and globs, in plan order; an error names what matched nothing. */
    static List<String> resolveBenchmarks(List<String> patterns, List<String> loaded) {
        Set<String> out = new LinkedHashSet<>();
        for (String p : patterns) {
            if (p.contains("*") || p.contains("?")) {
                Pattern glob = Pattern.compile(("\\Q" + p + "\\E").replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q"));
                List<String> hits = loaded.stream().filter(n -> glob.matcher(n).matches()).toList();
                if (hits.isEmpty()) {
                    throw new BenchException("benchmark pattern '" + p + "' matches no loaded benchmark; loaded benchmarks: "
                            + loaded + hintData(p));
                }
                out.addAll(hits);
            } else if (loaded.contains(p)) {
                out.add(p);
            } else {
                throw new BenchException("no benchmark named '" + p + "' is loaded; loaded benchmarks: " + loaded + hintData(p));
            }
        }
        return List.copyOf(out);
    }

    private static String hintData(String name) {
        return name.startsWith("fcnet") || name.startsWith("hpobench") || name.startsWith("nb201") || name.startsWith("yahpo")
                ? " (tabular and YAHPO benchmarks need --benchmark-data DIR)" : "";
    }

    /** Fails with a message listing the loaded plugins when an optimizer names one that is not loaded. */
    static void checkOptimizers(List<OptimizerSpec> optimizers, Plugins plugins) {
        for (OptimizerSpec o : optimizers) {
            if (plugins.sampler(o.sampler().name(), o.sampler().versionRange()).isEmpty()) {
                throw new BenchException("optimizer '" + o.label() + "': no sampler named '" + o.sampler().name()
                        + "' is loaded; loaded samplers: " + loaded(plugins, "sampler"));
            }
            if (o.hasScheduler() && plugins.scheduler(o.scheduler().name(), o.scheduler().versionRange()).isEmpty()) {
                List<String> schedulers = new ArrayList<>(List.of(StudyEngine.NO_SCHEDULER));
                schedulers.addAll(loaded(plugins, "scheduler"));
                throw new BenchException("optimizer '" + o.label() + "': no scheduler named '" + o.scheduler().name()
                        + "' is loaded; loaded schedulers: " + schedulers);
            }
        }
    }

    List<Task> tasks() {
        checkOptimizers(plan.optimizers(), plugins);
        List<String> names = resolveBenchmarks(plan.benchmarks(), loaded(plugins, "benchmark"));
        Map<String, Benchmark> benchmarks = new HashMap<>();
        for (String n : names) {
            Optional<Plugins.Resolved<Benchmark>> b = plugins.benchmark(n, "");
            benchmarks.put(n, b.orElseThrow(() -> new BenchException("benchmark '" + n + "' was unloaded while starting")).service());
        }
        List<Task> tasks = new ArrayList<>();
        for (OptimizerSpec o : plan.optimizers()) {
            for (String n : names) {
                for (long seed : plan.seeds()) {
                    tasks.add(new Task(tasks.size(), o, n, benchmarks.get(n), seed));
                }
            }
        }
        return tasks;
    }

    public Result run() throws IOException, InterruptedException {
        List<Task> tasks = tasks();
        Files.createDirectories(plan.out());
        Files.writeString(plan.out().resolve("plan.json"), plan.toJson());
        Path csv = plan.out().resolve("evaluations.csv");
        log.println("hypatia bench: " + tasks.size() + " runs (" + plan.optimizers().size() + " optimizers x "
                + tasks.stream().map(Task::benchmarkName).distinct().count() + " benchmarks x " + plan.seeds().size() + " seeds), "
                + plan.trials() + " trials, " + plan.workers() + " worker(s) each, " + plan.mode().label() + ", "
                + plan.parallel() + " in parallel; writing " + csv);
        long start = System.nanoTime();
        List<String> failures = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        RunProgress progress = new RunProgress(System.err, tasks.size());
        ExecutorService pool = Executors.newFixedThreadPool(plan.parallel(), named("bench-run"));
        try (Writer out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            EvaluationCsv.writeHeader(out);
            OrderedWriter ordered = new OrderedWriter(out);
            List<Future<?>> futures = new ArrayList<>();
            for (Task t : tasks) {
                futures.add(pool.submit(() -> {
                    List<EvaluationRow> rows = List.of();
                    try {
                        RunOutcome r = runOne(t);
                        rows = r.rows();
                        if (r.fallbacks() > 0) {
                            synchronized (warnings) {
                                warnings.add(t.label() + ": " + r.fallbacks() + " plugin call(s) fell back to random sampling / CONTINUE");
                            }
                        }
                    } catch (RuntimeException e) {
                        synchronized (failures) {
                            failures.add(t.label() + ": " + e);
                        }
                    } finally {
                        ordered.add(t.index(), rows);
                        progress.runFinished(rows.size());
                    }
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
            progress.finish();
            return new Result(csv, tasks.size(), failures, warnings, ordered.rows, (System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    record RunOutcome(List<EvaluationRow> rows, long fallbacks) {
    }

    private static final AtomicInteger STUDY_COUNTER = new AtomicInteger();

    private RunOutcome runOne(Task t) {
        long start = System.nanoTime();
        Benchmark instance = t.benchmark().instance(t.seed());
        String study = studyName(t);
        Simulator.Run run = new Simulator.Run(t.optimizer().label(), t.benchmarkName(), t.seed(), instance,
                t.optimizer().hasScheduler(), plan.workers(), plan.trials(), plan.maxTime(), plan.stepSize());
        if (serviceBackend == null) {
            try (EngineBackend backend = new EngineBackend(plugins)) {
                StudyBackend.Study s = backend.create(Simulator.studySpec(study, instance, t.optimizer(), t.seed()));
                List<EvaluationRow> rows = new Simulator(run, s, Simulator.Dispatcher.SEQUENTIAL,
                        () -> (System.nanoTime() - start) / 1e9).simulate();
                return new RunOutcome(rows, s.pluginFallbacks());
            }
        }
        ExecutorService workers = Executors.newFixedThreadPool(plan.workers(), named("bench-worker"));
        try {
            StudyBackend.Study s = serviceBackend.get().create(Simulator.studySpec(study, instance, t.optimizer(), t.seed()));
            try {
                List<EvaluationRow> rows = new Simulator(run, s, concurrent(workers), () -> (System.nanoTime() - start) / 1e9)
                        .simulate();
                return new RunOutcome(rows, s.pluginFallbacks());
            } finally {
                s.delete();
            }
        } finally {
            workers.shutdownNow();
        }
    }

    /** A study name unique in this process: run index, then a readable remainder cut to the engine's 128 characters. */
    private static String studyName(Task t) {
        String readable = (t.optimizer().label() + "-" + t.benchmarkName() + "-s" + t.seed()).replaceAll("[^A-Za-z0-9._-]", "_");
        String name = "bench-" + STUDY_COUNTER.incrementAndGet() + "-" + readable;
        return name.length() <= 128 ? name : name.substring(0, 128);
    }

    /** Runs a batch's actions concurrently on the run's worker threads (service mode's real workers). */
    static Simulator.Dispatcher concurrent(ExecutorService workers) {
        return actions -> {
            if (actions.size() == 1) {
                actions.get(0).run();
                return;
            }
            List<Future<?>> futures = new ArrayList<>();
            for (Runnable a : actions) {
                futures.add(workers.submit(a));
            }
            RuntimeException first = null;
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    first = first != null ? first : c instanceof RuntimeException re ? re : new IllegalStateException(c);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            if (first != null) {
                throw first;
            }
        };
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Writes each run's rows once every earlier run's rows are written. */
    private static final class OrderedWriter {
        private final Writer out;
        private final Map<Integer, List<EvaluationRow>> waiting = new HashMap<>();
        private int next;
        long rows;

        OrderedWriter(Writer out) {
            this.out = out;
        }

        synchronized void add(int index, List<EvaluationRow> runRows) {
            waiting.put(index, runRows);
            try {
                while (waiting.containsKey(next)) {
                    for (EvaluationRow r : waiting.remove(next)) {
                        EvaluationCsv.write(out, r);
                        rows++;
                    }
                    next++;
                }
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
