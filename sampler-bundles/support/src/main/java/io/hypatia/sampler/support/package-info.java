/**
 * Helpers shared by sampler bundles: non-dominated sorting and crowding distance
 * ({@link io.hypatia.sampler.support.ParetoRanking}), exact hypervolume
 * ({@link io.hypatia.sampler.support.Hypervolume}), Deb's constrained domination
 * ({@link io.hypatia.sampler.support.ConstrainedOrder}), trial-to-loss conversion
 * ({@link io.hypatia.sampler.support.Losses}) and the unit-cube encoding of configurations
 * ({@link io.hypatia.sampler.support.UnitCube}). All classes are stateless or immutable.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.hypatia.sampler.support;
