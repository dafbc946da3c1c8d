package io.hypatia.sampler.qmc.internal;

import io.hypatia.api.PluginConfig;
import io.hypatia.api.Setting;
import io.hypatia.api.Settings;
import java.util.Map;

/** The sampler settings shared by the two quasi-random samplers; see their class Javadoc. */
record QmcSettings(boolean scramble, long skip) {
    static final Settings SETTINGS = Settings.of(
            Setting.bool("scramble", true, "scramble the sequence with the study seed (unscrambled starts at the origin)"),
            Setting.integer("skip", 0, 0, Integer.MAX_VALUE, "leading sequence points to skip"));

    static QmcSettings parse(Map<String, String> values) {
        PluginConfig config = SETTINGS.read(values);
        return new QmcSettings(config.bool("scramble"), config.integer("skip"));
    }
}
