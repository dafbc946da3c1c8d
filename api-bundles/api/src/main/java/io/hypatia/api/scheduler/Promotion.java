package io.hypatia.api.scheduler;

/** Resume a PAUSED trial, training it up to {@code budget}. */
public record Promotion(long trialId, double budget) {
}
