package io.hypatia.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
    static final Settings SETTINGS = Settings.of(
            Setting.integer("n", 10, 0, 100, "count"),
            Setting.real("gamma", 0.1, Math.nextUp(0.0), 1.0, "fraction"),
            Setting.bool("fast", true, "go fast"),
            Setting.choice("liar", "believer", List.of("Believer", "min"), "liar"),
            Setting.text("grid.*", "", "grid values"),
            Setting.integer("population", 0, 2, 1000, "depends on the dimension").withoutDefault());

    @Test
    void defaultsFillAbsentKeys() {
        PluginConfig c = SETTINGS.read(Map.of("seed", "7"));
        assertEquals(10, c.integer("n"));
        assertEquals(0.1, c.real("gamma"));
        assertTrue(c.bool("fast"));
        assertEquals("believer", c.choice("liar"));
        assertFalse(c.has("population"));
    }

    @Test
    void givenValuesAreParsed() {
        PluginConfig c = SETTINGS.read(Map.of("n", " 42 ", "gamma", "0.5", "fast", "FALSE", "liar", "MIN",
                "grid.lr", "0.1,0.2", "population", "8"));
        assertEquals(42, c.integer("n"));
        assertEquals(0.5, c.real("gamma"));
        assertFalse(c.bool("fast"));
        assertEquals("min", c.choice("liar"));
        assertEquals("0.1,0.2", c.text("grid.lr"));
        assertEquals(Map.of("grid.lr", "0.1,0.2"), c.withPrefix("grid."));
        assertEquals(8, c.integer("population"));
    }

    @Test
    void badKeysAreNamed() {
        assertEquals("seeed", assertThrows(SettingException.class, () -> SETTINGS.read(Map.of("seeed", "1"))).key());
        SettingException e = assertThrows(SettingException.class, () -> SETTINGS.read(Map.of("n", "1.5")));
        assertEquals("n", e.key());
        assertEquals("'n': '1.5' is not an integer", e.getMessage());
        assertEquals("'n': 101 is outside [0, 100]", assertThrows(SettingException.class,
                () -> SETTINGS.read(Map.of("n", "101"))).getMessage());
        assertEquals("gamma", assertThrows(SettingException.class, () -> SETTINGS.read(Map.of("gamma", "0"))).key());
        assertEquals("gamma", assertThrows(SettingException.class, () -> SETTINGS.read(Map.of("gamma", "NaN"))).key());
        assertEquals("fast", assertThrows(SettingException.class, () -> SETTINGS.read(Map.of("fast", "yes"))).key());
        assertEquals("liar", assertThrows(SettingException.class, () -> SETTINGS.read(Map.of("liar", "max"))).key());
        assertTrue(assertThrows(SettingException.class, () -> Settings.NONE.read(Map.of("x", "1")))
                .getMessage().contains("this plugin has none"));
    }

    @Test
    void undeclaredReadsAreAProgrammingError() {
        PluginConfig c = SETTINGS.read(Map.of());
        assertThrows(IllegalStateException.class, () -> c.real("n"));
        assertThrows(IllegalStateException.class, () -> c.integer("population"));
        assertThrows(IllegalArgumentException.class, () -> Settings.of(Setting.bool("a", true, ""), Setting.bool("a", false, "")));
    }
}
