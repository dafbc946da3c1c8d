package io.hypatia.api;

/**
 * Service properties by which the engine finds plugins. A sampler bundle registers its
 * {@code Sampler} with {@code hypatia.name=tpe}; a study names it as "tpe" and the engine
 * picks the highest bundle version of that name (within the study's version range).
 */
public final class PluginProperties {
    /** Service property holding the plugin's name, e.g. {@code hypatia.name=random}. */
    public static final String NAME = "hypatia.name";
    /** Optional one-line human description shown by ListPlugins. */
    public static final String DESCRIPTION = "hypatia.description";

    private PluginProperties() {
    }
}
