package io.hypatia.api;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A plugin's configuration for one study, read through its declared {@link Settings}: get one
 * with {@link Settings#read(Map)}, then {@link #integer(String)}, {@link #real(String)},
 * {@link #bool(String)}, {@link #choice(String)}, {@link #text(String)} give the checked value or
 * the declared default.
 *
 * <p>The older, undeclared reads ({@link #of(String, Map)} and the reads with a fallback and
 * range) remain for plugins that do not declare their settings yet. There every bad value is an
 * {@link IllegalArgumentException} whose message names the key, e.g.
 * {@code sampler config 'gamma': 1.5 is outside [0.0, 1.0]}, so the error a user sees says
 * exactly what to fix. Absent keys give the fallback; unknown keys are not an error, since a
 * study's plugin configuration also carries service-level keys such as {@code seed}.
 */
public final class PluginConfig {
    private final String kind;
    private final Map<String, String> values;
    private final Settings declared;
    private final Map<String, Object> parsed;

    private PluginConfig(String kind, Map<String, String> values, Settings declared, Map<String, Object> parsed) {
        this.kind = kind;
        this.values = values;
        this.declared = declared;
        this.parsed = parsed;
    }

    /**
     * Undeclared reads of {@code values}; prefer declaring {@link Settings}.
     *
     * @param kind "sampler" or "scheduler", used in error messages
     */
    public static PluginConfig of(String kind, Map<String, String> values) {
        return new PluginConfig(kind, values, null, Map.of());
    }

    static PluginConfig of(Settings declared, Map<String, Object> parsed) {
        Map<String, String> text = new LinkedHashMap<>();
        parsed.forEach((k, v) -> text.put(k, String.valueOf(v)));
        return new PluginConfig("plugin", Map.copyOf(text), declared, Map.copyOf(parsed));
    }

    /** Whether the study set {@code key} or its declaration has a default. */
    public boolean has(String key) {
        return parsed.containsKey(key);
    }

    /** A declared INT setting, as given or its default. */
    public long integer(String key) {
        return (Long) declaredValue(key, Setting.Type.INT);
    }

    /** A declared FLOAT setting, as given or its default. */
    public double real(String key) {
        return (Double) declaredValue(key, Setting.Type.FLOAT);
    }

    /** A declared BOOL setting, as given or its default. */
    public boolean bool(String key) {
        return (Boolean) declaredValue(key, Setting.Type.BOOL);
    }

    /** A declared CHOICE setting in lower case, as given or its default. */
    public String choice(String key) {
        return (String) declaredValue(key, Setting.Type.CHOICE);
    }

    /** A declared TEXT setting (or a key of a {@code prefix.*} family), as given or its default. */
    public String text(String key) {
        return (String) declaredValue(key, Setting.Type.TEXT);
    }

    /** Every given key starting with {@code prefix} (a {@code prefix*} family) with its text, in key order. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        values.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private Object declaredValue(String key, Setting.Type type) {
        Setting s = declared == null ? null : declared.find(key);
        if (s == null || s.type() != type) {
            throw new IllegalStateException("'" + key + "' is not a declared " + type + " setting");
        }
        Object v = parsed.get(key);
        if (v == null) {
            throw new IllegalStateException("'" + key + "' has no default; check has(\"" + key + "\") first");
        }
        return v;
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
