/**
 * Pareto dominance, non-dominated sorting, crowding distance and exact hypervolume over loss
 * vectors: shared by multi-objective samplers, benchmarks, the benchmark runner and the engine.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.hypatia.api.pareto;
