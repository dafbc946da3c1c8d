package io.hypatia.engine;

import io.hypatia.api.Setting;
import java.util.List;

/**
 * A plugin service, or a plugin bundle that failed to resolve or start.
 *
 * @param kind     "sampler", "scheduler" or "benchmark" ("bundle" for a bundle that registered
 *                 nothing because it failed)
 * @param bundle   symbolic name of the providing bundle ("builtin" for the engine's own)
 * @param state    the bundle's state (ACTIVE, RESOLVED, ...), or FAILED
 * @param settings the settings the plugin declares (empty: it takes none)
 * @param message  why the bundle failed (the resolver's or activator's message); empty when fine
 */
public record PluginInfo(String kind, String name, String bundle, String version, String state,
                         String description, List<Setting> settings, String message) {

    public PluginInfo {
        settings = List.copyOf(settings);
        message = message == null ? "" : message;
    }

    public PluginInfo(String kind, String name, String bundle, String version, String state, String description) {
        this(kind, name, bundle, version, state, description, List.of(), "");
    }
}
