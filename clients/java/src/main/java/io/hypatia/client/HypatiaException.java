package io.hypatia.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A call the service (or the transport) refused: the gRPC code, the RPC, and the request field the service named. */
public final class HypatiaException extends RuntimeException {
    private static final Pattern FIELD =
            Pattern.compile("^([a-z_][a-z0-9_]*(?:\\[\\d+])?(?:\\.[a-z_][a-z0-9_]*(?:\\[\\d+])?)*): ");
    /** Codes the service answers with a field-prefixed message; transport errors never name a field. */
    private static final Set<Status.Code> SERVICE_CODES = EnumSet.of(Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND,
            Status.Code.ALREADY_EXISTS, Status.Code.FAILED_PRECONDITION, Status.Code.OUT_OF_RANGE,
            Status.Code.PERMISSION_DENIED, Status.Code.RESOURCE_EXHAUSTED);

    private final Status.Code code;
    private final String method;
    private final String field;
    private final String description;

    HypatiaException(String method, StatusRuntimeException cause) {
        super(method + ": " + cause.getStatus().getCode() + ": " + cause.getStatus().getDescription(), cause);
        this.code = cause.getStatus().getCode();
        this.method = method;
        this.description = cause.getStatus().getDescription() == null ? "" : cause.getStatus().getDescription();
        Matcher m = FIELD.matcher(description);
        this.field = SERVICE_CODES.contains(code) && m.find() ? m.group(1) : null;
    }

    /** The gRPC status code. */
    public Status.Code code() {
        return code;
    }

    /** The RPC that failed, e.g. {@code "Tell"}. */
    public String method() {
        return method;
    }

    /** The request field the service named ({@code "search_space.params[0].float.low"}), or null. */
    public String field() {
        return field;
    }

    /** The status description as sent. */
    public String description() {
        return description;
    }
}
