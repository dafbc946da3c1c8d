package io.hypatia.client;

import io.hypatia.grpc.v1.IntermediateValue;
import io.hypatia.grpc.v1.Trial;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trial as the service recorded it.
 *
 * @param intermediateValues step to value: the live learning curve (abandoned attempts' values left out)
 */
public record TrialRecord(long id, int number, String state, Map<String, Object> params, List<Double> values,
                          Map<Double, Double> intermediateValues, double budget, int attempts, String worker,
                          String failReason, String checkpoint, double checkpointStep, long leaseExpiresAtMs) {

    static TrialRecord of(Trial t, Values values) {
        Map<Double, Double> curve = new LinkedHashMap<>();
        for (IntermediateValue iv : t.getIntermediateValuesList()) {
            // A resumed attempt goes on after its checkpoint's step, a restarted one from the
            // start: values of an earlier attempt at or past this step were abandoned.
            curve.keySet().removeIf(step -> step >= iv.getStep());
            curve.put(iv.getStep(), iv.getValue());
        }
        return new TrialRecord(t.getId(), t.getNumber(), t.getState().name(), values.config(t.getConfigList()),
                List.copyOf(t.getValuesList()), curve, t.getBudget(), t.getAttempts(), t.getWorker(), t.getFailReason(),
                t.getCheckpoint(), t.getCheckpointStep(), t.getLeaseExpiresAtMs());
    }
}
