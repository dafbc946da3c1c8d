package io.hypatia.api.study;

/** One metric a study optimises. */
public record Objective(String name, Direction direction) {
}
