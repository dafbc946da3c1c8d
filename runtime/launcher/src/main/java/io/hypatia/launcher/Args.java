package io.hypatia.launcher;

import io.hypatia.launcher.bench.BenchException;
import io.hypatia.launcher.bench.CliOptions;
import java.util.Set;

/** The top-level commands' options, parsed by {@link CliOptions} with typed reads and usage errors. */
final class Args {
    /** Thrown for a bad command line; the message says what to fix. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private final CliOptions options;

    Args(String[] args, int from, Set<String> valueOptions, Set<String> flagOptions) {
        try {
            options = new CliOptions(args, from, valueOptions, flagOptions, false);
        } catch (BenchException e) {
            throw new UsageException(e.getMessage());
        }
    }

    String get(String name, String fallback) {
        return options.has(name) ? options.get(name) : fallback;
    }

    int getInt(String name, int fallback, int min, int max) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be an integer, got '" + v + "'");
        }
    }

    /** A duration such as {@code 90}, {@code 90s}, {@code 10m} or {@code 1h} (plain numbers are seconds), in milliseconds. */
    long getMillis(String name, long fallbackMillis) {
        String v = options.get(name);
        if (v == null) {
            return fallbackMillis;
        }
        String t = v.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = 1000;
        if (t.endsWith("ms")) {
            unit = 1;
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s") || t.endsWith("m") || t.endsWith("h")) {
            unit = switch (t.charAt(t.length() - 1)) {
                case 'm' -> 60_000;
                case 'h' -> 3_600_000;
                default -> 1000;
            };
            t = t.substring(0, t.length() - 1);
        }
        try {
            long n = Long.parseLong(t.trim());
            if (n < 0 || n > Long.MAX_VALUE / unit) {
                throw new NumberFormatException();
            }
            return n * unit;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a duration such as 90s, 10m or 1h (0: never), got '" + v + "'");
        }
    }

    boolean flag(String name) {
        return options.flag(name);
    }
}
