package io.hypatia.launcher.bench;

/** A bad benchmark plan or option; the message says what to fix and is shown as is. */
public class BenchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BenchException(String message) {
        super(message);
    }
}
