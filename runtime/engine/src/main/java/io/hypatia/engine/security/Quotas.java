package io.hypatia.engine.security;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one tenant may hold at a time. Admins are not limited. Parsed from
 * {@code studies=100,trials_per_study=100000,running_trials=1000}.
 *
 * @param studies        studies a tenant may have
 * @param trialsPerStudy trials (in any state) one study of a tenant may have
 * @param runningTrials  RUNNING trials over all of a tenant's studies
 */
public record Quotas(int studies, int trialsPerStudy, int runningTrials) {
    public static final Quotas DEFAULT = new Quotas(1000, 1_000_000, 10_000);

    /** {@code key=value,...} over {@link #DEFAULT}; throws IllegalArgumentException naming a bad key or value. */
    public static Quotas parse(String text) {
        Map<String, Integer> v = new LinkedHashMap<>();
        v.put("studies", DEFAULT.studies);
        v.put("trials_per_study", DEFAULT.trialsPerStudy);
        v.put("running_trials", DEFAULT.runningTrials);
        KeyValues.parseInto(text, v, "quota");
        return new Quotas(v.get("studies"), v.get("trials_per_study"), v.get("running_trials"));
    }
}
