package io.hypatia.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hypatia.api.Configurable;
import io.hypatia.api.PluginConfig;
import io.hypatia.api.Setting;
import io.hypatia.api.SettingException;
import io.hypatia.api.Settings;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.engine.store.Store;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CreateStudy refuses plugin settings the plugin does not declare, mistypes and out-of-range values. */
class PluginSettingsCheckTest {
    private static final SearchSpace SPACE = SearchSpace.of(List.of(new FloatParameter("lr", 1e-4, 1, true)));
    private static final List<Objective> LOSS = List.of(new Objective("loss", Direction.MINIMIZE));

    /** A sampler with one declared setting and a check against the space. */
    static final class Declaring implements Sampler, Configurable {
        @Override
        public Settings settings() {
            return Settings.of(Setting.integer("n_startup", 10, 0, 100, "random trials first"),
                    Setting.text("pin.*", "", "a fixed value per parameter"));
        }

        @Override
        public void check(SearchSpace space, PluginConfig config) {
            config.withPrefix("pin.").keySet().forEach(k -> {
                if (space.get(k.substring(4)) == null) {
                    throw new SettingException(k, "no such parameter");
                }
            });
        }

        @Override
        public Config suggest(SamplerContext context) {
            return context.space().sampleUniform(context.random());
        }
    }

    @TempDir
    Path dir;
    private Store store;
    private StudyEngine engine;

    @BeforeEach
    void start() throws Exception {
        store = Store.open(dir, false);
        TestPlugins plugins = new TestPlugins();
        plugins.samplers.put("declaring", new Declaring());
        engine = new StudyEngine(store, plugins);
    }

    @AfterEach
    void stop() {
        engine.close();
        store.close();
    }

    private String refusedField(String sampler, Map<String, String> config) {
        return assertThrows(EngineException.class, () -> engine.createStudy(
                StudySpec.of("s", SPACE, LOSS, new PluginRef(sampler, "", config)))).field();
    }

    @Test
    void badSettingsAreRefusedNamingTheKey() {
        assertEquals("sampler.config.seeed", refusedField("declaring", Map.of("seeed", "1")));
        assertEquals("sampler.config.n_startup", refusedField("declaring", Map.of("n_startup", "ten")));
        assertEquals("sampler.config.n_startup", refusedField("declaring", Map.of("n_startup", "101")));
        assertEquals("sampler.config.pin.momentum", refusedField("declaring", Map.of("pin.momentum", "0.9")));
        // A plugin that declares nothing takes nothing but the service's own keys.
        assertEquals("sampler.config.gamma", refusedField("random", Map.of("gamma", "0.5")));
    }

    @Test
    void declaredSettingsAndServiceKeysAreAccepted() {
        engine.createStudy(StudySpec.of("ok", SPACE, LOSS,
                new PluginRef("declaring", "", Map.of("seed", "3", "n_startup", "5", "pin.lr", "0.1"))));
        engine.createStudy(StudySpec.of("ok2", SPACE, LOSS, new PluginRef("random", "", Map.of("seed", "3"))));
        EngineException e = assertThrows(EngineException.class, () -> engine.createStudy(StudySpec.of("x", SPACE, LOSS,
                PluginRef.of("random")).withScheduler(new PluginRef("none", "", Map.of("min_completed", "3")))));
        assertEquals("scheduler.config.min_completed", e.field());
    }
}
