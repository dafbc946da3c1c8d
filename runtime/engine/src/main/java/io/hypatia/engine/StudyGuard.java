package io.hypatia.engine;

import java.util.function.Supplier;

/**
 * How the engine serialises the calls that read or change one study. Every access to a
 * {@link StudyState} goes through {@link #call}; changes submitted to the store inside it are
 * ordered as the engine made them.
 *
 * <p>Embedded store ({@link #local()}): the study object's monitor; changes are queued to the
 * store's single writer under it and awaited after it is released, so concurrent calls share
 * commits. Shared store ({@link SharedStudyGuard}): additionally one database transaction that
 * holds the study's lock in the database, refreshes the cached trials changed by other gateways,
 * runs the body, and commits its changes before the guard is released.
 */
interface StudyGuard {

    /** Runs {@code body} with study {@code s} held; re-entrant for the same study on one thread. */
    <T> T call(StudyState s, Supplier<T> body);

    default void run(StudyState s, Runnable body) {
        call(s, () -> {
            body.run();
            return null;
        });
    }

    /** One process owns the store: the study's monitor is the whole lock, the cache the truth. */
    static StudyGuard local() {
        return new StudyGuard() {
            @Override
            public <T> T call(StudyState s, Supplier<T> body) {
                synchronized (s) {
                    return body.get();
                }
            }
        };
    }
}
