package io.hypatia.api;

import io.hypatia.api.space.SearchSpace;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Implemented by a plugin (sampler, scheduler) that takes settings. The service reads
 * {@link #settings()} when a study is created, rejects unknown keys, wrong types and
 * out-of-range values ({@code INVALID_ARGUMENT} naming {@code sampler.config.<key>}), then
 * calls {@link #check} for what depends on the study; ListPlugins shows the declarations.
 *
 * <p>A plugin that does not implement this interface takes no settings: any key other than a
 * {@link Settings#SERVICE_KEYS service key} is refused.
 */
@ConsumerType
public interface Configurable {

    /** The declared settings; a constant, the same on every call. */
    Settings settings();

    /**
     * Checks settings that depend on the study (e.g. a grid for every float parameter).
     * {@code config} has already passed {@link Settings#read}.
     *
     * @param space the study's search space
     * @throws SettingException naming the offending key
     */
    default void check(SearchSpace space, PluginConfig config) {
    }
}
