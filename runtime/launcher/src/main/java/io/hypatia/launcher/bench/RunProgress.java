package io.hypatia.launcher.bench;

import java.io.PrintStream;

/**
 * A progress bar over runs with an ETA, redrawn in place on a terminal; when the output is not
 * a terminal (CI logs, pipes) a plain line every tenth of the way instead. Thread-safe.
 */
final class RunProgress {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final int total;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private int done;
    private long evaluations;
    private int lastTenth = -1;

    RunProgress(PrintStream out, int total) {
        this.out = out;
        this.total = total;
        this.terminal = System.console() != null;
    }

    synchronized void runFinished(int rows) {
        done++;
        evaluations += rows;
        draw();
    }

    synchronized void finish() {
        draw();
        if (terminal) {
            out.println();
        }
    }

    private void draw() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        String eta = done == 0 ? "?" : duration(seconds / done * (total - done));
        String text = done + "/" + total + " runs  " + evaluations + " evaluations  " + duration(seconds) + " elapsed  ETA " + eta;
        if (terminal) {
            int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
            out.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + text + "   ");
            out.flush();
        } else {
            int tenth = total == 0 ? 10 : (int) (10L * done / total);
            if (tenth != lastTenth) {
                lastTenth = tenth;
                out.println(text);
            }
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + "s" : s < 3600 ? s / 60 + "m" + String.format("%02d", s % 60) + "s"
                : s / 3600 + "h" + String.format("%02d", s % 3600 / 60) + "m";
    }
}
