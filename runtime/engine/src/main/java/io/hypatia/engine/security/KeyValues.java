package io.hypatia.engine.security;

import java.util.Map;

/** Parses {@code key=value,key=value} settings of positive integers over a map of known keys and defaults. */
public final class KeyValues {
    private KeyValues() {
    }

    public static void parseInto(String text, Map<String, Integer> known, String what) {
        if (text == null || text.isBlank()) {
            return;
        }
        for (String item : text.split(",")) {
            String[] kv = item.trim().split("=", 2);
            if (kv.length != 2 || !known.containsKey(kv[0].trim())) {
                throw new IllegalArgumentException("unknown " + what + " '" + Echo.truncate(item.trim()) + "'; known: "
                        + String.join(", ", known.keySet()) + " (as name=value, comma-separated)");
            }
            try {
                int n = Integer.parseInt(kv[1].trim());
                if (n < 1) {
                    throw new NumberFormatException();
                }
                known.put(kv[0].trim(), n);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + " " + kv[0].trim() + " must be a positive integer, got '"
                        + Echo.truncate(kv[1].trim()) + "'");
            }
        }
    }
}
