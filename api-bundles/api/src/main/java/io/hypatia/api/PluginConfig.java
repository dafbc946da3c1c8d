package io.hypatia.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Typed, range-checked reads of a plugin's string configuration. Every bad value is an
 * {@link IllegalArgumentException} whose message names the key, e.g.
 * {@code sampler config 'gamma': 1.5 is outside [0.0, 1.0]}, so the error a user sees says
 * exactly what to fix. Absent keys give the fallback; unknown keys are not an error, since a
 * study's plugin configuration also carries service-level keys such as {@code seed}.
 */
public final class PluginConfig {
    private final String kind;
    private final Map<String, String> values;

    private PluginConfig(String kind, Map<String, String> values) {
        this.kind = kind;
        this.values = values;
    }

    /** @param kind "sampler" or "scheduler", used in error messages */
    public static PluginConfig of(String kind, Map<String, String> values) {
        return new PluginConfig(kind, values);
    }

    /** An integer in [min, max]. */
    public int integer(String key, int fallback, int min, int max) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        long parsed;
        try {
            parsed = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw bad(key, "'" + v + "' is not an integer");
        }
        if (parsed < min || parsed > max) {
            throw bad(key, parsed + " is outside [" + min + ", " + max + "]");
        }
        return (int) parsed;
    }

    /** A finite number in [min, max]; use {@link Math#nextUp} for an open lower bound. */
    public double real(String key, double fallback, double min, double max) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        double parsed;
        try {
            parsed = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw bad(key, "'" + v + "' is not a number");
        }
        if (!(parsed >= min && parsed <= max)) {
            throw bad(key, v.trim() + " is outside [" + min + ", " + max + "]");
        }
        return parsed;
    }

    /** {@code true} or {@code false} (any case). */
    public boolean bool(String key, boolean fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(key, "'" + v + "' is not true or false");
        };
    }

    /** One of {@code allowed} (compared case-insensitively, returned in lower case). */
    public String choice(String key, String fallback, String... allowed) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        String normalised = v.trim().toLowerCase(Locale.ROOT);
        if (!Arrays.asList(allowed).contains(normalised)) {
            throw bad(key, "'" + v + "' is not one of " + String.join(", ", allowed));
        }
        return normalised;
    }

    private IllegalArgumentException bad(String key, String problem) {
        return new IllegalArgumentException(kind + " config '" + key + "': " + problem);
    }
}
