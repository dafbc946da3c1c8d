package io.hypatia.engine;

import java.util.Map;

/**
 * A study's choice of sampler or scheduler: a plugin name, an optional OSGi version range
 * (e.g. {@code [1.0,2)}; empty means any) and the configuration handed to the plugin.
 */
public record PluginRef(String name, String versionRange, Map<String, String> config) {
    public PluginRef {
        versionRange = versionRange == null ? "" : versionRange;
        config = Map.copyOf(config);
    }

    public static PluginRef of(String name) {
        return new PluginRef(name, "", Map.of());
    }
}
