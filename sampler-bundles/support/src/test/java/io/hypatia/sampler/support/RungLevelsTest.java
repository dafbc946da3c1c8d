package io.hypatia.sampler.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.SettingException;
import org.junit.jupiter.api.Test;

class RungLevelsTest {
    @Test
    void readsIncreasingPositiveLevels() {
        assertArrayEquals(new double[] {1, 3, 9.5, 27}, RungLevels.parse("k", " 1, 3,9.5 ,27 ", "auto"));
        assertArrayEquals(new double[] {0.25}, RungLevels.parse("k", "0.25", "auto"));
    }

    @Test
    void badListsNameTheKey() {
        SettingException e = assertThrows(SettingException.class, () -> RungLevels.parse("resource_levels", "1,three", "auto"));
        assertEquals("resource_levels", e.key());
        assertTrue(e.getMessage().contains("'three' is not a number; use auto or levels like"), e.getMessage());
        for (String bad : new String[] {"0,3", "1,-3", "1,Infinity", "1,NaN", "3,3", "9,3", ""}) {
            e = assertThrows(SettingException.class, () -> RungLevels.parse("fidelity_rungs", bad, "off, auto"), bad);
            assertEquals("fidelity_rungs", e.key(), bad);
        }
    }
}
