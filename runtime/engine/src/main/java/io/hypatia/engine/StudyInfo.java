package io.hypatia.engine;

import io.hypatia.api.study.TrialState;
import java.util.Map;

/**
 * A study's definition and a summary of its trials.
 *
 * @param pluginFallbacks how many sampler/scheduler calls failed or timed out and were replaced
 *                        by the fallback (random sampling, CONTINUE) since the service started
 */
public record StudyInfo(long id, StudySpec spec, long createdAt, Map<TrialState, Integer> trialCounts,
                        long pluginFallbacks) {
}
