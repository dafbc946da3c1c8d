package io.hypatia.api.scheduler;

import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import java.util.List;
import java.util.Map;

/**
 * A study as a scheduler sees it.
 *
 * @param studyName  the study's name
 * @param objectives objectives in order; schedulers act on the first
 * @param trials     every trial of the study, in creation order, with their intermediate values
 * @param config     the scheduler's configuration as given at study creation
 */
public record SchedulerContext(String studyName, List<Objective> objectives, List<Trial> trials,
                               Map<String, String> config) {

    public SchedulerContext {
        trials = List.copyOf(trials);
        config = Map.copyOf(config);
    }

    /** A scheduler setting parsed as a double, or {@code fallback} when absent. */
    public double configDouble(String key, double fallback) {
        String v = config.get(key);
        return v == null ? fallback : Double.parseDouble(v.trim());
    }
}
