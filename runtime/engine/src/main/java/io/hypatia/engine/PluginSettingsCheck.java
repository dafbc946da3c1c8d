package io.hypatia.engine;

import io.hypatia.api.Configurable;
import io.hypatia.api.PluginConfig;
import io.hypatia.api.SettingException;
import io.hypatia.api.Settings;
import io.hypatia.api.space.SearchSpace;
import java.util.Map;

/**
 * Checks a study's plugin configuration against the settings the plugin declares, so a
 * mistyped key ({@code seeed}) or an out-of-range value is refused at CreateStudy instead of
 * silently falling back on every ask.
 */
final class PluginSettingsCheck {
    private PluginSettingsCheck() {
    }

    /** The plugin's declared settings; {@link Settings#NONE} for one that does not declare any. */
    static Settings declared(Object plugin) {
        return plugin instanceof Configurable c ? c.settings() : Settings.NONE;
    }

    /**
     * @param field  "sampler" or "scheduler"
     * @param plugin the plugin service (null for the built-in "none" scheduler)
     * @throws EngineException INVALID_ARGUMENT naming {@code <field>.config.<key>}
     */
    static void check(String field, Object plugin, Map<String, String> config, SearchSpace space) {
        try {
            PluginConfig read = declared(plugin).read(config);
            if (plugin instanceof Configurable c) {
                c.check(space, read);
            }
        } catch (SettingException e) {
            throw EngineException.invalid(field + ".config." + e.key(), e.getMessage());
        } catch (RuntimeException e) {
            // A check that fails some other way still refuses the study, with the plugin's words.
            throw EngineException.invalid(field + ".config", String.valueOf(e.getMessage()));
        }
    }
}
