package io.hypatia.api.scheduler;

/**
 * Thrown by {@link Scheduler#validate} when a study cannot work with the scheduler: a setting is
 * unknown, malformed or out of range, or the study lacks what the scheduler needs (a fidelity,
 * for instance). {@link #field()} names the offending part relative to the study, e.g.
 * {@code config.eta} (the engine reports it as {@code scheduler.config.eta}) or {@code fidelity}.
 */
public class UnsuitableStudyException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public UnsuitableStudyException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
