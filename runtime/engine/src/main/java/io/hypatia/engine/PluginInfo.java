package io.hypatia.engine;

/**
 * A loaded plugin service.
 *
 * @param kind    "sampler", "scheduler" or "benchmark"
 * @param bundle  symbolic name of the providing bundle ("builtin" for the engine's own)
 * @param state   the bundle's state (ACTIVE, RESOLVED, ...)
 */
public record PluginInfo(String kind, String name, String bundle, String version, String state,
                         String description) {
}
