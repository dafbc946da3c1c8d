package io.hypatia.launcher;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a start goes: each part's wall time and the CPU time of the thread that ran it, and the
 * whole process's CPU time (all threads, JIT compiler and GC included) when the start is read.
 * CPU time says what a part costs even on a loaded machine, where wall time mostly measures the
 * wait for a core. Parts run beside each other (the plugin framework starts on its own thread),
 * so their wall times overlap.
 */
final class StartupTimes {
    private final long jvmToHereMillis = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    private final long cpuBeforeNanos = processCpuNanos();
    private final List<String> parts = new ArrayList<>();
    private long lastWall = System.nanoTime();
    private long lastCpu = threadCpuNanos();

    /** CPU time of this process so far, all threads; 0 where the JVM does not say. */
    static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? Math.max(0, os.getProcessCpuTime()) : 0;
    }

    /** CPU time of the calling thread so far. */
    static long threadCpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** Ends the part called {@code name}, begun at the previous mark (or at construction). */
    synchronized void mark(String name) {
        long wall = System.nanoTime();
        long cpu = threadCpuNanos();
        record(name, wall - lastWall, cpu - lastCpu);
        lastWall = wall;
        lastCpu = cpu;
    }

    /** A part timed by its caller (e.g. one that ran on another thread beside the marked ones). */
    synchronized void record(String name, long wallNanos, long cpuNanos) {
        parts.add(String.format(Locale.ROOT, "%s %d ms (CPU %d ms)", name, wallNanos / 1_000_000, cpuNanos / 1_000_000));
    }

    @Override
    public synchronized String toString() {
        return String.format(Locale.ROOT, "JVM start to service start %d ms (process CPU %d ms); ", jvmToHereMillis,
                cpuBeforeNanos / 1_000_000) + String.join(", ", parts)
                + String.format(Locale.ROOT, "; process CPU %d ms in all", processCpuNanos() / 1_000_000);
    }
}
