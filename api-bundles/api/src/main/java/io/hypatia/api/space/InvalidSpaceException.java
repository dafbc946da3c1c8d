package io.hypatia.api.space;

/**
 * A search space, or a configuration checked against one, is invalid. {@link #field()} is the
 * path of the offending field (for example {@code params[2].low} or {@code config.lr}) so that
 * callers can report exactly what to fix.
 */
public class InvalidSpaceException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public InvalidSpaceException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
