package io.hypatia.launcher;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A text table for a terminal: columns padded to their widest cell, numbers aligned right. */
final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... header) {
        this.header = List.of(header);
    }

    Table add(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("expected " + header.size() + " cells, got " + cells.length);
        }
        List<String> row = new ArrayList<>();
        for (Object c : cells) {
            row.add(c == null ? "" : String.valueOf(c));
        }
        rows.add(row);
        return this;
    }

    int size() {
        return rows.size();
    }

    void print(PrintStream out) {
        int[] width = new int[header.size()];
        boolean[] numeric = new boolean[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
            numeric[i] = !rows.isEmpty();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
                numeric[i] &= r.get(i).isEmpty() || isNumber(r.get(i));
            }
        }
        line(out, header, width, numeric);
        for (List<String> r : rows) {
            line(out, r, width, numeric);
        }
    }

    private static void line(PrintStream out, List<String> cells, int[] width, boolean[] numeric) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            String pad = " ".repeat(width[i] - c.length());
            b.append(numeric[i] ? pad + c : (i == cells.size() - 1 ? c : c + pad));
            if (i < cells.size() - 1) {
                b.append("  ");
            }
        }
        out.println(b.toString().stripTrailing());
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
