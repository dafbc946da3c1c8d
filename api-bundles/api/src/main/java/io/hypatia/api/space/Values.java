package io.hypatia.api.space;

/**
 * Parameter values are {@link Double} (float), {@link Long} (int) or {@link String}; choices of
 * categorical and ordinal parameters may be any of the three. Helpers here compare them so
 * that 3 (a Long) and 3.0 (a Double) count as the same choice.
 */
public final class Values {
    private Values() {
    }

    /** True for the three value types a configuration may hold. */
    public static boolean isSupported(Object value) {
        return value instanceof Double || value instanceof Long || value instanceof String;
    }

    public static boolean sameValue(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
        }
        return a != null && a.equals(b);
    }

    /** Normalises Integer/Float/Boolean inputs to the supported types. */
    public static Object normalise(Object value) {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof Boolean b) {
            return b.toString();
        }
        return value;
    }
}
