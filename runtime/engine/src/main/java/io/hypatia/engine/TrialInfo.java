package io.hypatia.engine;

import io.hypatia.api.study.Trial;

/**
 * A trial as clients see it: the plugin-facing {@link Trial} plus bookkeeping.
 *
 * @param study          name of the owning study
 * @param failReason     why it FAILED or was PRUNED, else empty
 * @param worker         the worker that holds or last held its lease
 * @param leaseExpiresAt epoch millis when a RUNNING trial loses its lease (0 otherwise)
 * @param createdAt      epoch millis
 * @param finishedAt     epoch millis, 0 while unfinished
 * @param attempts       how many times it has been handed to a worker
 */
public record TrialInfo(String study, Trial trial, String failReason, String worker, long leaseExpiresAt,
                        long createdAt, long finishedAt, int attempts) {
}
