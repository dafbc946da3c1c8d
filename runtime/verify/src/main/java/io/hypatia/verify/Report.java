package io.hypatia.verify;

import java.util.ArrayList;
import java.util.List;

/** The outcome of a verification: one row per plugin and check. */
public final class Report {
    /** A check's verdict. */
    public enum Status { PASS, FAIL }

    /**
     * @param plugin e.g. {@code sampler my-tpe (com.acme.tpe 1.2.0)} or the jar's file name
     * @param check  what was checked, e.g. {@code valid}, {@code deterministic}
     * @param detail figures or the first problem found
     */
    public record Row(String plugin, String check, Status status, String detail) {
    }

    private final List<Row> rows = new ArrayList<>();

    synchronized void add(String plugin, String check, boolean ok, String detail) {
        rows.add(new Row(plugin, check, ok ? Status.PASS : Status.FAIL, detail));
    }

    public synchronized List<Row> rows() {
        return List.copyOf(rows);
    }

    /** True when there is at least one row and no row failed. */
    public synchronized boolean passed() {
        return !rows.isEmpty() && rows.stream().allMatch(r -> r.status == Status.PASS);
    }

    /** The failed rows. */
    public synchronized List<Row> failures() {
        return rows.stream().filter(r -> r.status == Status.FAIL).toList();
    }

    /** A plain-text table: plugin, check, PASS/FAIL, detail. */
    public synchronized String table() {
        int p = "plugin".length();
        int c = "check".length();
        for (Row r : rows) {
            p = Math.max(p, r.plugin.length());
            c = Math.max(c, r.check.length());
        }
        String format = "%-" + p + "s  %-" + c + "s  %-6s %s%n";
        StringBuilder out = new StringBuilder(String.format(format, "plugin", "check", "result", "detail"));
        for (Row r : rows) {
            out.append(String.format(format, r.plugin, r.check, r.status, r.detail));
        }
        long failed = rows.stream().filter(r -> r.status == Status.FAIL).count();
        out.append(failed == 0 && !rows.isEmpty() ? "PASSED" : "FAILED").append(": ")
                .append(rows.size() - failed).append(" of ").append(rows.size()).append(" checks passed\n");
        return out.toString();
    }

    @Override
    public String toString() {
        return table();
    }
}
