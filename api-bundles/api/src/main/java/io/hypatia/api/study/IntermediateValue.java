package io.hypatia.api.study;

/** A value reported during training at a step (epoch, iteration, token count, budget). */
public record IntermediateValue(double step, double value) {
}
