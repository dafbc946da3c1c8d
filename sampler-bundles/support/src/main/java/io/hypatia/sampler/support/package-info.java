/**
 * Helpers shared by sampler bundles: trial-to-loss conversion
 * ({@link io.hypatia.sampler.support.Losses}) and the unit-cube encoding of configurations
 * ({@link io.hypatia.sampler.support.UnitCube}) and the rung-level settings of multi-fidelity
 * samplers ({@link io.hypatia.sampler.support.RungLevels}). Pareto ranking, hypervolume and constrained
 * domination live in the API ({@code io.hypatia.api.pareto}), which the engine and the
 * benchmark runner use too. All classes are stateless or immutable.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.hypatia.sampler.support;
