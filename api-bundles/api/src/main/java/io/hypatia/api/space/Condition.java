package io.hypatia.api.space;

import java.util.List;

/**
 * Makes a parameter active only when its parent parameter takes one of {@code values}.
 * The parent must be categorical or ordinal and declared earlier in the space.
 */
public record Condition(String parent, List<Object> values) {
    public Condition {
        values = List.copyOf(values);
    }

    /** True when the parent's value is one of the enabling values. */
    public boolean isMetBy(Object parentValue) {
        if (parentValue == null) {
            return false;
        }
        for (Object v : values) {
            if (Values.sameValue(v, parentValue)) {
                return true;
            }
        }
        return false;
    }
}
