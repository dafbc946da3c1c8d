package io.hypatia.sampler.support;

import io.hypatia.api.SettingException;

/**
 * Reads a sampler setting that lists a successive-halving scheduler's rung levels (the resources
 * a multi-fidelity sampler keeps its data at), as TPE's {@code fidelity_rungs} (BOHB) and MOBSTER's
 * {@code resource_levels} take them: comma-separated, finite, greater than 0 and increasing.
 */
public final class RungLevels {
    private RungLevels() {
    }

    /**
     * The levels listed in {@code text}, the value of setting {@code key}.
     *
     * @param keywords the words the setting accepts besides a list (e.g. {@code "off, auto"}), named
     *                 in the error message
     * @throws SettingException naming {@code key} for a part that is not a number, not finite and
     *                          positive, or not larger than the one before it
     */
    public static double[] parse(String key, String text, String keywords) {
        String[] parts = text.trim().split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].trim();
            try {
                out[i] = Double.parseDouble(part);
            } catch (NumberFormatException e) {
                throw new SettingException(key, "'" + part + "' is not a number; use " + keywords + " or levels like 1,3,9,27");
            }
            if (!(out[i] > 0) || Double.isInfinite(out[i])) {
                throw new SettingException(key, "levels must be finite and > 0, got " + part);
            }
            if (i > 0 && !(out[i] > out[i - 1])) {
                throw new SettingException(key, "levels must increase, got " + parts[i - 1].trim() + " then " + part);
            }
        }
        return out;
    }
}
