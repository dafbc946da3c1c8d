package io.hypatia.engine;

/**
 * How one plugin (a sampler or scheduler service, by its label) has behaved since the service
 * started: calls made, calls that threw, calls that ran past their time limit, calls refused at
 * once (quarantined, or all its threads held by hung calls), and whether it is quarantined now.
 */
public record PluginFaults(long calls, long failures, long timeouts, long rejected, boolean quarantined) {
}
