package io.hypatia.launcher.bench;

import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.engine.LeasePolicy;
import io.hypatia.engine.PluginRef;
import io.hypatia.engine.StudySpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * The cost of a scheduler decision on {@code Report} as a study grows: {@code running} trials are
 * kept running at all times (a trial that is stopped, paused or completes is replaced by the next
 * ask, which may be a promotion), and reports go round-robin over them until the study holds
 * {@code reports} reports. Each report call is timed on its own; the figures are given per tenth
 * of the run, so a decision whose cost grows with the history shows as rising percentiles.
 *
 * <p>The objective is a curve that improves with the step, {@code x + 1 / step} with x from the
 * sampler, so the scheduler has real rankings to make. Every report carries a checkpoint.
 */
final class ReportLatency {
    static final int WINDOWS = 10;

    /** Percentiles of one tenth of the run (index 1..10), or of the whole run (index 0). */
    record Window(String mode, int index, long fromReport, long toReport, int trials, double p50Micros, double p99Micros,
                  double maxMicros, double cpuMeanMicros, long stops, long pauses) {
    }

    /**
     * CPU time of the whole process (engine, store, scheduler and, in service mode, the gRPC
     * server as well as the client): unlike the latencies it does not count time spent waiting
     * for a core, so it stays meaningful on a busy machine.
     */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }

    private final StudyBackend backend;
    private final String mode;
    private final PluginRef scheduler;
    private final int running;
    private final long reports;
    private final double maxStep;
    private final PrintStream log;

    ReportLatency(StudyBackend backend, String mode, PluginRef scheduler, int running, long reports, double maxStep,
                  PrintStream log) {
        this.backend = backend;
        this.mode = mode;
        this.scheduler = scheduler;
        this.running = running;
        this.reports = reports;
        this.maxStep = maxStep;
        this.log = log;
    }

    static StudySpec spec(String name, PluginRef scheduler, double maxStep) {
        SearchSpace space = SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false)));
        long day = 86_400_000L;
        return new StudySpec(name, space, List.of(new Objective("loss", Direction.MINIMIZE)),
                new PluginRef("random", "", java.util.Map.of("seed", "1")), scheduler, new Fidelity("epoch", 1, maxStep),
                day, LeasePolicy.REQUEUE, StudySpec.DEFAULT_MAX_ATTEMPTS, 600_000, 600_000);
    }

    /** A trial being trained by the simulated trainer. */
    private static final class Active {
        final StudyBackend.Asked asked;
        double step;

        Active(StudyBackend.Asked asked) {
            this.asked = asked;
            this.step = asked.resumed() ? asked.resumeStep() : 0;
        }
    }

    List<Window> run(String studyName) {
        StudyBackend.Study study = backend.create(spec(studyName, scheduler, maxStep));
        Deque<Active> active = new ArrayDeque<>();
        for (int i = 0; i < running; i++) {
            active.add(new Active(study.ask("w" + i)));
        }
        int trials = running;
        long windowSize = Math.max(1, reports / WINDOWS);
        double[] nanos = new double[(int) windowSize];
        double[] all = new double[(int) reports];
        int inWindow = 0;
        long stops = 0, pauses = 0, from = 0;
        List<Window> windows = new ArrayList<>();
        long next = System.nanoTime() + 10_000_000_000L;
        long cpuAtStart = processCpuNanos(), cpuWindowStart = cpuAtStart;
        for (long k = 0; k < reports; k++) {
            Active a = active.poll();
            a.step += 1;
            double x = a.asked.config().getDouble("x");
            long t0 = System.nanoTime();
            Decision d = study.report(a.asked.trialId(), a.step, x + 1 / a.step, a.asked.attempt(),
                    Simulator.checkpointRef(a.asked.trialId(), a.step));
            long t1 = System.nanoTime();
            nanos[inWindow++] = t1 - t0;
            all[(int) k] = t1 - t0;
            if (d == Decision.CONTINUE && a.step < maxStep) {
                active.add(a);
            } else {
                if (d == Decision.CONTINUE) {
                    study.tell(a.asked.trialId(), List.of(x + 1 / a.step), a.asked.attempt());
                } else if (d == Decision.STOP) {
                    stops++;
                } else {
                    pauses++;
                }
                StudyBackend.Asked n = study.ask("w-" + k);
                trials += n.isNewTrial() ? 1 : 0;
                active.add(new Active(n));
            }
            if (inWindow == nanos.length || k == reports - 1) {
                double[] w = Arrays.copyOf(nanos, inWindow);
                Arrays.sort(w);
                long cpu = processCpuNanos();
                windows.add(new Window(mode, windows.size() + 1, from + 1, k + 1, trials, percentile(w, 0.5) / 1e3,
                        percentile(w, 0.99) / 1e3, w[w.length - 1] / 1e3, (cpu - cpuWindowStart) / 1e3 / w.length, stops, pauses));
                cpuWindowStart = cpu;
                from = k + 1;
                inWindow = 0;
                stops = 0;
                pauses = 0;
            }
            if (System.nanoTime() > next) {
                log.printf(Locale.ROOT, "  %s: %d of %d reports%n", mode, k + 1, reports);
                next = System.nanoTime() + 10_000_000_000L;
            }
        }
        Arrays.sort(all);
        windows.add(new Window(mode, 0, 1, reports, trials, percentile(all, 0.5) / 1e3, percentile(all, 0.99) / 1e3,
                all[all.length - 1] / 1e3, (processCpuNanos() - cpuAtStart) / 1e3 / reports, windows.stream().mapToLong(Window::stops).sum(),
                windows.stream().mapToLong(Window::pauses).sum()));
        return windows;
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static String csv(List<Window> windows) {
        StringBuilder sb = new StringBuilder("mode,window,from_report,to_report,trials,p50_us,p99_us,max_us,cpu_per_report_us,stops,pauses\n");
        for (Window w : windows) {
            sb.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%.1f,%.1f,%.1f,%.1f,%d,%d%n", w.mode(), w.index(), w.fromReport(),
                    w.toReport(), w.trials(), w.p50Micros(), w.p99Micros(), w.maxMicros(), w.cpuMeanMicros(), w.stops(), w.pauses()));
        }
        return sb.toString();
    }

    static String table(List<Window> windows) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-10s %8s %16s %7s %10s %10s %10s %12s %7s %7s%n",
                "mode", "window", "reports", "trials", "p50 (us)", "p99 (us)", "max (us)", "cpu/rep (us)", "stops", "pauses"));
        for (Window w : windows) {
            sb.append(String.format(Locale.ROOT, "%-10s %8d %16s %7d %10.1f %10.1f %10.1f %12.1f %7d %7d%n", w.mode(), w.index(),
                    w.fromReport() + ".." + w.toReport(), w.trials(), w.p50Micros(), w.p99Micros(), w.maxMicros(),
                    w.cpuMeanMicros(), w.stops(), w.pauses()));
        }
        return sb.toString();
    }

    static void writeCsv(Path file, List<Window> windows) throws IOException {
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        Files.writeString(file, csv(windows));
    }
}
