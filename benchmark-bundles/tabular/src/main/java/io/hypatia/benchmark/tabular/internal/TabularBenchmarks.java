package io.hypatia.benchmark.tabular.internal;

import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.OrdinalParameter;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.space.SearchSpace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Loads the tabular benchmarks from a data directory laid out as {@code shared/data/tabular}:
 * {@code hpolib/}, {@code hpobench/} and {@code nasbench201/}, each holding {@code <dataset>.csv.gz}
 * with the parameter columns first, then one {@code <metric>_seed<k>} column per seed. Plain
 * Java, usable without OSGi.
 */
public final class TabularBenchmarks {
    private static final String SUFFIX = ".csv.gz";
    private static final Pattern INTEGER = Pattern.compile("-?\\d+");

    private TabularBenchmarks() {
    }

    /** One table file, found but not loaded. */
    public record TableFile(Family family, String dataset, Path file) {
        public String name() {
            return family.benchmarkName(dataset);
        }
    }

    /** Lists the table files under {@code tabularDir} without reading them. */
    public static List<TableFile> find(Path tabularDir) throws IOException {
        if (!Files.isDirectory(tabularDir)) {
            throw new NoSuchFileException(tabularDir.toAbsolutePath().toString(), null,
                    "tabular benchmark data not found; expected a folder with hpolib/, hpobench/ and nasbench201/ holding *.csv.gz"
                            + " (see shared/data/README.md)");
        }
        List<TableFile> tables = new ArrayList<>();
        for (Family family : Family.values()) {
            Path dir = tabularDir.resolve(family.folder());
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.getFileName().toString().endsWith(SUFFIX))
                        .sorted(Comparator.comparing(Path::toString))
                        .forEach(f -> {
                            String file = f.getFileName().toString();
                            tables.add(new TableFile(family, file.substring(0, file.length() - SUFFIX.length()), f));
                        });
            }
        }
        if (tables.isEmpty()) {
            throw new NoSuchFileException(tabularDir.toAbsolutePath().toString(), null,
                    "no tabular benchmark tables found; expected hpolib/*.csv.gz, hpobench/*.csv.gz or nasbench201/*.csv.gz");
        }
        return tables;
    }

    /** Loads every table under {@code tabularDir} (the folder that holds {@code hpolib/} etc.). */
    public static List<TabularBenchmark> load(Path tabularDir) throws IOException {
        List<TabularBenchmark> out = new ArrayList<>();
        for (TableFile table : find(tabularDir)) {
            out.add(load(table));
        }
        return out;
    }

    /** Loads one table by benchmark name, e.g. {@code nb201-cifar10}. */
    public static TabularBenchmark load(Path tabularDir, String name) throws IOException {
        List<TableFile> tables = find(tabularDir);
        for (TableFile table : tables) {
            if (table.name().equals(name)) {
                return load(table);
            }
        }
        throw new NoSuchFileException(tabularDir.toAbsolutePath().toString(), null,
                "no table for benchmark '" + name + "'; found " + tables.stream().map(TableFile::name).toList());
    }

    public static TabularBenchmark load(TableFile table) throws IOException {
        Path file = table.file();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file), 1 << 16), StandardCharsets.US_ASCII), 1 << 16)) {
            String header = in.readLine();
            if (header == null) {
                throw new IOException(file + ": empty file");
            }
            String[] columns = header.split(",");
            int params = 0;
            while (params < columns.length && !columns[params].startsWith(table.family().metric() + "_seed")) {
                params++;
            }
            int seeds = columns.length - params;
            if (params == 0 || seeds == 0) {
                throw new IOException(file + ": expected parameter columns then " + table.family().metric()
                        + "_seed<k> columns, header is " + header);
            }
            Table t = new Table(params, seeds);
            String line;
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (!line.isEmpty()) {
                    t.addRow(line, file, lineNo);
                }
            }
            return t.build(table, Arrays.copyOf(columns, params));
        }
    }

    /**
     * Rows as read: per-column token codes and the seed values, in growable primitive arrays.
     * Tokens are interned per column, so a row costs no objects beyond its line string.
     */
    private static final class Table {
        final int params;
        final int seeds;
        final List<Map<String, Integer>> codesByToken = new ArrayList<>();
        final List<List<String>> tokens = new ArrayList<>();
        int rows;
        int[] codes;
        float[] cells;

        Table(int params, int seeds) {
            this.params = params;
            this.seeds = seeds;
            for (int j = 0; j < params; j++) {
                codesByToken.add(new HashMap<>());
                tokens.add(new ArrayList<>());
            }
            codes = new int[1024 * params];
            cells = new float[1024 * seeds];
        }

        void addRow(String line, Path file, int lineNo) throws IOException {
            if ((rows + 1) * params > codes.length) {
                codes = Arrays.copyOf(codes, codes.length * 2);
                cells = Arrays.copyOf(cells, cells.length * 2);
            }
            int pos = 0;
            for (int j = 0; j < params; j++) {
                int comma = line.indexOf(',', pos);
                if (comma < 0) {
                    throw new IOException(file + ":" + lineNo + ": expected " + params + " parameter values, got " + j);
                }
                String token = line.substring(pos, comma);
                Integer code = codesByToken.get(j).get(token);
                if (code == null) {
                    code = tokens.get(j).size();
                    codesByToken.get(j).put(token, code);
                    tokens.get(j).add(token);
                }
                codes[rows * params + j] = code;
                pos = comma + 1;
            }
            // A row may end early or leave a field empty: that seed was not run (NaN).
            int present = 0;
            for (int s = 0; s < seeds; s++) {
                float v = Float.NaN;
                if (pos <= line.length()) {
                    int comma = line.indexOf(',', pos);
                    int end = comma < 0 ? line.length() : comma;
                    if (end > pos) {
                        try {
                            v = Float.parseFloat(line.substring(pos, end));
                        } catch (NumberFormatException e) {
                            throw new IOException(file + ":" + lineNo + ": seed column " + s + " is not a number: " + line.substring(pos, end));
                        }
                        if (Float.isInfinite(v)) {
                            throw new IOException(file + ":" + lineNo + ": seed column " + s + " is not finite in float range");
                        }
                    }
                    pos = end + 1;
                }
                cells[rows * seeds + s] = v;
                present += Float.isNaN(v) ? 0 : 1;
            }
            if (pos <= line.length()) {
                throw new IOException(file + ":" + lineNo + ": more fields than the header's " + (params + seeds));
            }
            if (present == 0) {
                throw new IOException(file + ":" + lineNo + ": no seed holds a value");
            }
            rows++;
        }

        TabularBenchmark build(TableFile table, String[] names) throws IOException {
            Path file = table.file();
            List<Parameter> parameters = new ArrayList<>();
            List<List<Object>> choices = new ArrayList<>();
            int[][] gridIndex = new int[params][];
            long configs = 1;
            for (int j = 0; j < params; j++) {
                List<String> seen = tokens.get(j);
                Integer[] order = new Integer[seen.size()];
                Arrays.setAll(order, i -> i);
                boolean numeric = seen.stream().allMatch(TabularBenchmarks::isNumber);
                if (numeric) {
                    // Numbers are ordinal in numeric order; integers stay Long unless the column has a decimal.
                    Arrays.sort(order, Comparator.comparingDouble(i -> Double.parseDouble(seen.get(i))));
                }
                boolean integral = numeric && seen.stream().allMatch(s -> INTEGER.matcher(s).matches());
                List<Object> grid = new ArrayList<>();
                gridIndex[j] = new int[seen.size()];
                for (int k = 0; k < order.length; k++) {
                    String s = seen.get(order[k]);
                    Object value = !numeric ? s : integral ? (Object) Long.parseLong(s) : (Object) Double.parseDouble(s);
                    if (k > 0 && numeric && ((Number) value).doubleValue() == ((Number) grid.get(k - 1)).doubleValue()) {
                        throw new IOException(file + ": column " + names[j] + " spells one value two ways: " + seen);
                    }
                    grid.add(value);
                    gridIndex[j][order[k]] = k;
                }
                choices.add(grid);
                parameters.add(numeric ? new OrdinalParameter(names[j], grid) : new CategoricalParameter(names[j], grid));
                configs *= grid.size();
            }
            if (configs != rows) {
                throw new IOException(file + ": " + rows + " rows, but the grid of its values has " + configs
                        + " configurations; a tabular benchmark needs every configuration exactly once");
            }
            // Scatter rows to their mixed-radix index (identity when the file is sorted, as shipped).
            float[] values = new float[rows * seeds];
            boolean[] filled = new boolean[rows];
            for (int r = 0; r < rows; r++) {
                int index = 0;
                for (int j = 0; j < params; j++) {
                    index = index * choices.get(j).size() + gridIndex[j][codes[r * params + j]];
                }
                if (filled[index]) {
                    throw new IOException(file + ": data row " + (r + 1) + " repeats an earlier configuration");
                }
                filled[index] = true;
                System.arraycopy(cells, r * seeds, values, index * seeds, seeds);
            }
            return new TabularBenchmark(table.family(), table.dataset(), SearchSpace.of(parameters), choices, seeds, values);
        }
    }

    private static boolean isNumber(String s) {
        try {
            return Double.isFinite(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
