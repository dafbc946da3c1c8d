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

    /**
     * Says a call of study {@code s} is on its way (waiting for the study's ask lock), so a shared
     * store's open transaction waits for it to join instead of committing without it. Every call
     * must be followed by {@link #arrived} once the caller stops waiting.
     */
    default void coming(StudyState s) {
    }

    /** Ends a {@link #coming}; commits the shared store's open transaction when no other call is on its way. */
    default void arrived(StudyState s) {
    }

    default void run(StudyState s, Runnable body) {
        call(s, () -> {
            body.run();
            return null;
        });
    }

    /** Reads a study's trials from the store into it (see {@link StudyState#loaded}). */
    interface Loader {
        void load(StudyState s);
    }

    /**
     * One process owns the store: the study's monitor is the whole lock, the cache the truth. A
     * study whose trials are not in memory is read first, under the monitor, so concurrent first
     * calls read it once.
     */
    static StudyGuard local(Loader loader) {
        return new StudyGuard() {
            @Override
            public <T> T call(StudyState s, Supplier<T> body) {
                synchronized (s) {
                    s.touch();
                    if (!s.isLoaded() && !s.deleted) {
                        loader.load(s);
                    }
                    return body.get();
                }
            }
        };
    }
}
