package io.hypatia.api.sampler;

/**
 * Thrown by {@link Sampler#suggest} when the sampler has no configuration left to propose (a
 * grid whose every point has been handed out, for instance). It is an answer, not a fault: the
 * engine does not fall back to random sampling or count it against the plugin; the Ask that needed
 * a new configuration is refused with OUT_OF_RANGE and this message (trials already waiting are
 * still handed out).
 *
 * @since sampler API 1.2.0
 */
public class SearchSpaceExhaustedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public SearchSpaceExhaustedException(String message) {
        super(message);
    }
}
