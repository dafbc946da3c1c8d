package io.hypatia.api.space;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Shared logic of the two finite-choice parameter kinds. */
final class Choices {
    private Choices() {
    }

    static void validate(String path, List<Object> choices) {
        if (choices.isEmpty()) {
            throw new InvalidSpaceException(path + ".choices", "must not be empty");
        }
        // One hash set, linear in the number of choices (a pairwise check took minutes on 4 MB of choices).
        Set<Object> seen = new HashSet<>(choices.size() * 2);
        for (int i = 0; i < choices.size(); i++) {
            Object c = choices.get(i);
            if (!Values.isSupported(c)) {
                throw new InvalidSpaceException(path + ".choices[" + i + "]",
                        "must be a string, integer or float, got " + (c == null ? "null" : c.getClass().getSimpleName()));
            }
            if (!seen.add(key(c))) {
                String shown = String.valueOf(c);
                throw new InvalidSpaceException(path + ".choices[" + i + "]", "duplicate choice "
                        + (shown.length() > 80 ? shown.substring(0, 80) + "..." : shown));
            }
        }
    }

    /** Equal keys exactly when {@link Values#sameValue}: numbers by their double value, strings as themselves. */
    private static Object key(Object value) {
        return value instanceof Number n ? (Object) Double.valueOf(n.doubleValue()) : value;
    }

    static int indexOf(List<Object> choices, Object value) {
        for (int i = 0; i < choices.size(); i++) {
            if (Values.sameValue(choices.get(i), value)) {
                return i;
            }
        }
        return -1;
    }

    static Object fromUnit(List<Object> choices, double u) {
        int index = Math.min(choices.size() - 1, (int) Math.floor(u * choices.size()));
        return choices.get(Math.max(0, index));
    }

    static double toUnit(List<Object> choices, Object value) {
        return (indexOf(choices, value) + 0.5) / choices.size();
    }
}
