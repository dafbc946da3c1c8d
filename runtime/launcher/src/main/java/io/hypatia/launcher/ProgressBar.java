package io.hypatia.launcher;

import java.io.PrintStream;

/**
 * A one-line progress bar redrawn in place on a terminal; when output is not a terminal
 * (CI logs, pipes) it prints a plain line every tenth of the way instead.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final int total;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private int lastTenth = -1;

    ProgressBar(PrintStream out, int total) {
        this.out = out;
        this.total = total;
        this.terminal = System.console() != null;
    }

    void update(int done, String detail) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        String rate = String.format("%.1f/s", seconds > 0 ? done / seconds : 0.0);
        if (terminal) {
            int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
            out.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/" + total + "  " + rate
                    + "  " + detail + "   ");
            out.flush();
        } else {
            int tenth = total == 0 ? 10 : (int) (10L * done / total);
            if (tenth != lastTenth) {
                lastTenth = tenth;
                out.println(done + "/" + total + " (" + tenth * 10 + "%)  " + rate + "  " + detail);
            }
        }
    }

    void finish(int done, String detail) {
        update(done, detail);
        if (terminal) {
            out.println();
        }
    }
}
