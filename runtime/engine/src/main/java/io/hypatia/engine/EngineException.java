package io.hypatia.engine;

/**
 * A request the engine refuses. {@link #code()} says which kind (the gateway maps it to a gRPC
 * status) and {@link #field()} names the offending request field when there is one.
 */
public class EngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Code { INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, UNAVAILABLE, OUT_OF_RANGE }

    private final Code code;
    private final String field;

    public EngineException(Code code, String field, String message) {
        super(field == null ? message : field + ": " + message);
        this.code = code;
        this.field = field;
    }

    public static EngineException invalid(String field, String message) {
        return new EngineException(Code.INVALID_ARGUMENT, field, message);
    }

    public static EngineException notFound(String field, String message) {
        return new EngineException(Code.NOT_FOUND, field, message);
    }

    public static EngineException precondition(String field, String message) {
        return new EngineException(Code.FAILED_PRECONDITION, field, message);
    }

    public Code code() {
        return code;
    }

    public String field() {
        return field;
    }
}
