package io.hypatia.it;

import io.hypatia.grpc.v1.ParameterValue;
import io.hypatia.grpc.v1.Trial;

/** Reads a parameter of a proto trial's configuration. */
public final class TrialValues {
    private TrialValues() {
    }

    public static double number(Trial trial, String name) {
        for (ParameterValue p : trial.getConfigList()) {
            if (p.getName().equals(name)) {
                return switch (p.getValue().getKindCase()) {
                    case FLOAT_VALUE -> p.getValue().getFloatValue();
                    case INT_VALUE -> p.getValue().getIntValue();
                    default -> throw new IllegalArgumentException(name + " is not numeric in " + trial);
                };
            }
        }
        throw new IllegalArgumentException("trial " + trial.getId() + " has no parameter " + name);
    }
}
