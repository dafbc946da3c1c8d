package io.hypatia.launcher.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Progress of a long summary (a multi-million-row evaluations CSV takes minutes): a line at most every
 * few seconds saying how much of the CSVs was read, then each later phase. A summary that finishes
 * within the first interval prints nothing.
 */
final class SummaryProgress {
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private final PrintStream out;
    private final long totalBytes;
    private final long start = System.nanoTime();
    private long lastPrint = start;
    private boolean printed;
    private long bytesBefore;
    private Path current;
    private long currentBytes;

    SummaryProgress(PrintStream out, List<Path> files) {
        this.out = out;
        long total = 0;
        for (Path f : files) {
            try {
                total += Files.size(f);
            } catch (java.io.IOException e) {
                // unknown size: the percentage is then only a guess
            }
        }
        this.totalBytes = Math.max(1, total);
    }

    /** {@code file} was read up to about {@code bytes}. */
    void read(Path file, long bytes) {
        if (!file.equals(current)) {
            bytesBefore += currentBytes;
            current = file;
        }
        currentBytes = bytes;
        if (due()) {
            print(String.format("read %.0f%% of the evaluations (%s)", 100.0 * Math.min(1, (bytesBefore + bytes) / (double) totalBytes),
                    file.getFileName()));
        }
    }

    /** A new phase begins; said when the summary has already taken a while. */
    void phase(String what) {
        if (printed || System.nanoTime() - start >= INTERVAL_NANOS) {
            print(what);
        }
    }

    void done() {
        if (printed) {
            print("done");
        }
    }

    private boolean due() {
        return System.nanoTime() - lastPrint >= INTERVAL_NANOS;
    }

    private void print(String what) {
        lastPrint = System.nanoTime();
        printed = true;
        out.printf("summary: %s, %.0f s%n", what, (lastPrint - start) / 1e9);
    }
}
