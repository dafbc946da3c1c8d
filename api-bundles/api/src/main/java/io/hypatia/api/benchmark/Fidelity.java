package io.hypatia.api.benchmark;

/** The resource a multi-fidelity benchmark can be evaluated at (epochs, say), from min to max. */
public record Fidelity(String name, double min, double max) {
}
