package io.hypatia.sampler.qmc.internal;

import java.util.Locale;
import java.util.Map;

/** The sampler settings shared by the two quasi-random samplers; see their class Javadoc. */
record QmcSettings(boolean scramble, long skip) {
    static final String SCRAMBLE = "scramble";
    static final String SKIP = "skip";

    static QmcSettings parse(Map<String, String> config) {
        boolean scramble = true;
        String s = config.get(SCRAMBLE);
        if (s != null) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "true" -> scramble = true;
                case "false" -> scramble = false;
                default -> throw new IllegalArgumentException("sampler config '" + SCRAMBLE + "' must be true or false, got '" + s + "'");
            }
        }
        long skip = 0;
        String k = config.get(SKIP);
        if (k != null) {
            try {
                skip = Long.parseLong(k.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("sampler config '" + SKIP + "' must be a non-negative integer, got '" + k + "'");
            }
            if (skip < 0 || skip > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("sampler config '" + SKIP + "' must be in 0.." + Integer.MAX_VALUE + ", got " + skip);
            }
        }
        return new QmcSettings(scramble, skip);
    }
}
