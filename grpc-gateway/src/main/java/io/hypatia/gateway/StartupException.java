package io.hypatia.gateway;

/** The service cannot start for a reason the operator can fix; the message is one line saying what. */
public final class StartupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }

    public StartupException(String message) {
        super(message);
    }
}
