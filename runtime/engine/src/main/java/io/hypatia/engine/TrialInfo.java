package io.hypatia.engine;

import io.hypatia.api.study.Trial;
import java.util.List;

/**
 * A trial as clients see it: the plugin-facing {@link Trial} plus bookkeeping.
 *
 * @param study          name of the owning study
 * @param failReason     why it FAILED or was PRUNED, else empty
 * @param worker         the worker that holds or last held its lease
 * @param leaseExpiresAt epoch millis when a RUNNING trial loses its lease (0 otherwise)
 * @param createdAt      epoch millis
 * @param finishedAt     epoch millis, 0 while unfinished
 * @param attempts       how many times it has been handed to a worker (the current attempt's number)
 * @param checkpoint     the latest checkpoint reference its trainer reported, or empty
 * @param checkpointStep the step of that checkpoint, or -1
 * @param parentTrialId  for a trial cloned from another (PBT), the parent's id; else 0
 * @param parentStep     for a cloned trial, the parent's step it was cloned at
 * @param reports        every reported value with its attempt, including abandoned ones
 * @param decisions      scheduling events (stops, pauses, rungs passed, promotions, requeues)
 */
public record TrialInfo(String study, Trial trial, String failReason, String worker, long leaseExpiresAt,
                        long createdAt, long finishedAt, int attempts, String checkpoint, double checkpointStep,
                        long parentTrialId, double parentStep, List<ReportRecord> reports,
                        List<DecisionRecord> decisions) {
}
