package io.hypatia.api.space;

import java.util.List;

/** Shared logic of the two finite-choice parameter kinds. */
final class Choices {
    private Choices() {
    }

    static void validate(String path, List<Object> choices) {
        if (choices.isEmpty()) {
            throw new InvalidSpaceException(path + ".choices", "must not be empty");
        }
        for (int i = 0; i < choices.size(); i++) {
            Object c = choices.get(i);
            if (!Values.isSupported(c)) {
                throw new InvalidSpaceException(path + ".choices[" + i + "]",
                        "must be a string, integer or float, got " + (c == null ? "null" : c.getClass().getSimpleName()));
            }
            for (int j = 0; j < i; j++) {
                if (Values.sameValue(choices.get(j), c)) {
                    throw new InvalidSpaceException(path + ".choices[" + i + "]", "duplicate choice " + c);
                }
            }
        }
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
