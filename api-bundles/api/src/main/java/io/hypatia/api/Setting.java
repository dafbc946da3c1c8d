package io.hypatia.api;

import java.util.List;
import java.util.Locale;

/**
 * One setting a plugin declares: its key, type, allowed values, default and a one-line doc.
 * The service checks every key of a study's plugin configuration against the declarations
 * before the study is created, and lists them in ListPlugins. Build them with the factories:
 *
 * <pre>{@code
 * Setting.integer("n_startup_trials", 10, 0, 1_000_000, "random trials before the model takes over")
 * Setting.real("gamma", 0.1, 0.0, 1.0, "fraction of trials in the good set")
 * Setting.bool("multivariate", true, "one joint density per group of parameters")
 * Setting.choice("liar", "believer", List.of("believer", "min", "none"), "value assumed for pending trials")
 * Setting.text("grid.*", "", "comma-separated values of parameter <*>")   // a family of keys
 * }</pre>
 *
 * @param name         the key; a name ending in {@code .*} declares every key with that prefix
 * @param type         how the value is parsed
 * @param min          smallest allowed value (INT, FLOAT); ignored otherwise
 * @param max          largest allowed value (INT, FLOAT); ignored otherwise
 * @param choices      allowed values (CHOICE), compared case-insensitively; empty otherwise
 * @param defaultValue the value used when the key is absent, as text ("" = no default)
 * @param doc          one line saying what the setting does
 */
public record Setting(String name, Type type, double min, double max, List<String> choices, String defaultValue,
                      String doc) {

    /** How a setting's text is read. */
    public enum Type {
        /** A whole number (a Java {@code long}) in [min, max]. */
        INT,
        /** A finite number in [min, max]. */
        FLOAT,
        /** {@code true} or {@code false}, any case. */
        BOOL,
        /** One of {@code choices}, any case. */
        CHOICE,
        /** Any text; the plugin checks it (see {@link Configurable#check}). */
        TEXT
    }

    public Setting {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a setting needs a name");
        }
        choices = List.copyOf(choices);
        defaultValue = defaultValue == null ? "" : defaultValue;
        doc = doc == null ? "" : doc;
    }

    public static Setting integer(String name, long defaultValue, long min, long max, String doc) {
        return new Setting(name, Type.INT, min, max, List.of(), Long.toString(defaultValue), doc);
    }

    /** Use {@link Math#nextUp(double)} for an open lower bound. */
    public static Setting real(String name, double defaultValue, double min, double max, String doc) {
        return new Setting(name, Type.FLOAT, min, max, List.of(), Double.toString(defaultValue), doc);
    }

    public static Setting bool(String name, boolean defaultValue, String doc) {
        return new Setting(name, Type.BOOL, 0, 0, List.of(), Boolean.toString(defaultValue), doc);
    }

    public static Setting choice(String name, String defaultValue, List<String> choices, String doc) {
        return new Setting(name, Type.CHOICE, 0, 0, choices.stream().map(c -> c.toLowerCase(Locale.ROOT)).toList(),
                defaultValue, doc);
    }

    public static Setting text(String name, String defaultValue, String doc) {
        return new Setting(name, Type.TEXT, 0, 0, List.of(), defaultValue, doc);
    }

    /** The same setting with a default that depends on the study (shown as {@code doc}); reads fall back to the caller's value. */
    public Setting withoutDefault() {
        return new Setting(name, type, min, max, choices, "", doc);
    }

    /** Whether this declaration covers {@code key} (its name, or its prefix for a {@code .*} family). */
    public boolean matches(String key) {
        return name.endsWith(".*") ? key.startsWith(name.substring(0, name.length() - 1)) : name.equals(key);
    }

    /**
     * Parses {@code text} as this setting's type and checks its range.
     *
     * @return a Long, Double, Boolean or (lower-case for CHOICE) String
     * @throws SettingException naming {@code key} and saying what is wrong
     */
    public Object parse(String key, String text) {
        String v = text.trim();
        switch (type) {
            case INT -> {
                long parsed;
                try {
                    parsed = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw new SettingException(key, "'" + text + "' is not an integer");
                }
                if (parsed < min || parsed > max) {
                    throw new SettingException(key, parsed + " is outside [" + (long) min + ", " + (long) max + "]");
                }
                return parsed;
            }
            case FLOAT -> {
                double parsed;
                try {
                    parsed = Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new SettingException(key, "'" + text + "' is not a number");
                }
                if (!(parsed >= min && parsed <= max)) {
                    throw new SettingException(key, v + " is outside [" + min + ", " + max + "]");
                }
                return parsed;
            }
            case BOOL -> {
                return switch (v.toLowerCase(Locale.ROOT)) {
                    case "true" -> Boolean.TRUE;
                    case "false" -> Boolean.FALSE;
                    default -> throw new SettingException(key, "'" + text + "' is not true or false");
                };
            }
            case CHOICE -> {
                String lower = v.toLowerCase(Locale.ROOT);
                if (!choices.contains(lower)) {
                    throw new SettingException(key, "'" + text + "' is not one of " + String.join(", ", choices));
                }
                return lower;
            }
            default -> {
                return text;
            }
        }
    }

    /** How the allowed values read in a message or table, e.g. {@code [0, 100]} or {@code a | b}. */
    public String describeDomain() {
        return switch (type) {
            case INT -> "integer in [" + (long) min + ", " + (long) max + "]";
            case FLOAT -> "number in [" + min + ", " + max + "]";
            case BOOL -> "true | false";
            case CHOICE -> String.join(" | ", choices);
            case TEXT -> "text";
        };
    }
}
