package io.hypatia.launcher.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The evaluation CSV: one row per evaluation, the format shared with the Optuna script
 * ({@code optuna_bench.py}) so one summary can compare both. Numbers are written in Java's
 * shortest round-trip form (Python's {@code float()} reads them exactly); several objective
 * values are joined by ';'; fields holding ',' or '"' are quoted as RFC 4180 says.
 */
public final class EvaluationCsv {
    public static final List<String> COLUMNS = List.of("optimizer", "benchmark", "seed", "trial", "resource", "value",
            "best", "score_kind", "score", "sim_time", "wall_time", "epochs");
    public static final String HEADER = String.join(",", COLUMNS);
    /** The header before the epochs column was added; such files are still read (epochs empty). */
    static final List<String> COLUMNS_WITHOUT_EPOCHS = COLUMNS.subList(0, COLUMNS.size() - 1);

    private EvaluationCsv() {
    }

    public static void writeHeader(Writer out) throws IOException {
        out.write(HEADER);
        out.write('\n');
    }

    public static void write(Writer out, EvaluationRow r) throws IOException {
        StringBuilder line = new StringBuilder(128);
        line.append(quote(r.optimizer())).append(',').append(quote(r.benchmark())).append(',').append(r.seed()).append(',')
                .append(r.trial()).append(',').append(number(r.resource())).append(',');
        for (int i = 0; i < r.values().size(); i++) {
            line.append(i == 0 ? "" : ";").append(number(r.values().get(i)));
        }
        line.append(',').append(number(r.best())).append(',').append(r.scoreKind()).append(',').append(number(r.score()))
                .append(',').append(number(r.simTime())).append(',').append(number(r.wallTime())).append(',')
                .append(number(r.epochs())).append('\n');
        out.write(line.toString());
    }

    /** Integral numbers without ".0" (trial steps, unit-cost times), others in shortest round-trip form; NaN as empty. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** True when {@code header} is an evaluation CSV's (with or without the epochs column). */
    static boolean isHeader(String header) {
        List<String> columns = split(header.strip());
        return columns.equals(COLUMNS) || columns.equals(COLUMNS_WITHOUT_EPOCHS);
    }

    /** Reads every row of one evaluation CSV; the header must name the expected columns. */
    public static List<EvaluationRow> read(Path file) {
        return read(file, (f, bytes) -> { });
    }

    /** Reads every row of one evaluation CSV, telling {@code progress} the file and about how many of its bytes were read. */
    static List<EvaluationRow> read(Path file, java.util.function.ObjLongConsumer<Path> progress) {
        List<EvaluationRow> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            List<String> columns = header == null ? List.of() : split(header.strip());
            if (!columns.equals(COLUMNS) && !columns.equals(COLUMNS_WITHOUT_EPOCHS)) {
                throw new BenchException(file + " is not an evaluation CSV: its header should be " + HEADER);
            }
            String line;
            int lineNumber = 1;
            long bytes = header.length() + 1;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                bytes += line.length() + 1; // the CSV is ASCII (numbers, names)
                if ((lineNumber & 0xFFFF) == 0) {
                    progress.accept(file, bytes);
                }
                if (line.isBlank()) {
                    continue;
                }
                List<String> f = split(line);
                if (f.size() != columns.size()) {
                    throw new BenchException(file + " line " + lineNumber + ": " + f.size() + " fields, expected " + columns.size());
                }
                try {
                    List<Double> values = Arrays.stream(f.get(5).split(";")).map(EvaluationCsv::parse).toList();
                    rows.add(new EvaluationRow(f.get(0), f.get(1), Long.parseLong(f.get(2)), Integer.parseInt(f.get(3)),
                            parse(f.get(4)), values, parse(f.get(6)), f.get(7), parse(f.get(8)), parse(f.get(9)),
                            parse(f.get(10)), f.size() > 11 ? parse(f.get(11)) : Double.NaN));
                } catch (NumberFormatException e) {
                    throw new BenchException(file + " line " + lineNumber + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return rows;
    }

    private static double parse(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }

    /** Splits one CSV line, honouring quotes. */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        out.add(field.toString());
        return out;
    }
}
