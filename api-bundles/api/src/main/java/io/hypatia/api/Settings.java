package io.hypatia.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything a plugin can be configured with: its declared {@link Setting}s. A plugin keeps one
 * instance in a constant and returns it from {@link Configurable#settings()}; in its calls it
 * reads the study's configuration with {@link #read(Map)}, which checks every key and fills in
 * defaults:
 *
 * <pre>{@code
 * static final Settings SETTINGS = Settings.of(
 *         Setting.integer("n_startup_trials", 10, 0, 1_000_000, "random trials before the model takes over"),
 *         Setting.real("gamma", 0.1, 0.0, 1.0, "fraction of trials in the good set"));
 * ...
 * PluginConfig config = SETTINGS.read(context.config());
 * int startup = config.integer("n_startup_trials");
 * }</pre>
 */
public final class Settings {
    /**
     * Keys the service itself reads from a sampler's configuration; they are valid for every
     * sampler and need no declaration: {@code seed} (the study's seed).
     */
    public static final Set<String> SERVICE_KEYS = Set.of("seed");

    /** A plugin without settings. */
    public static final Settings NONE = new Settings(List.of());

    private final List<Setting> declared;

    private Settings(List<Setting> declared) {
        this.declared = List.copyOf(declared);
    }

    public static Settings of(Setting... declared) {
        List<String> names = new ArrayList<>();
        for (Setting s : declared) {
            if (names.contains(s.name())) {
                throw new IllegalArgumentException("setting '" + s.name() + "' is declared twice");
            }
            names.add(s.name());
        }
        return new Settings(List.of(declared));
    }

    public List<Setting> declared() {
        return declared;
    }

    /** The declaration covering {@code key}, or null. */
    public Setting find(String key) {
        for (Setting s : declared) {
            if (s.matches(key)) {
                return s;
            }
        }
        return null;
    }

    /**
     * Checks {@code config} (a study's plugin configuration) against the declarations: every
     * key must be declared (or a {@link #SERVICE_KEYS service key}) and its value must parse
     * and lie in range.
     *
     * @return the values, with defaults for absent keys
     * @throws SettingException for the first bad key, in key order
     */
    public PluginConfig read(Map<String, String> config) {
        Map<String, Object> values = new TreeMap<>();
        for (Setting s : declared) {
            if (!s.name().endsWith(".*") && !s.defaultValue().isEmpty()) {
                values.put(s.name(), s.parse(s.name(), s.defaultValue()));
            }
        }
        for (Map.Entry<String, String> e : new TreeMap<>(config).entrySet()) {
            String key = e.getKey();
            if (SERVICE_KEYS.contains(key)) {
                continue;
            }
            Setting s = find(key);
            if (s == null) {
                throw new SettingException(key, "unknown setting; "
                        + (declared.isEmpty() ? "this plugin has none" : "known: " + String.join(", ", names())));
            }
            values.put(key, s.parse(key, e.getValue()));
        }
        return PluginConfig.of(this, values);
    }

    private List<String> names() {
        return declared.stream().map(Setting::name).toList();
    }
}
