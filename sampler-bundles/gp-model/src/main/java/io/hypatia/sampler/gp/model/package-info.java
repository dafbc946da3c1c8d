/**
 * The Gaussian-process model shared by the GP samplers ({@code gp}, {@code mobster}): the
 * Matérn-5/2 ARD kernel ({@link io.hypatia.sampler.gp.model.Matern52}), the exact posterior
 * ({@link io.hypatia.sampler.gp.model.GaussianProcess}) on a
 * {@link io.hypatia.sampler.gp.model.Cholesky} factor, MAP hyper-parameters
 * ({@link io.hypatia.sampler.gp.model.MarginalLikelihood}, fitted by the projected
 * {@link io.hypatia.sampler.gp.model.Lbfgs}), numerically stable log expected improvement
 * ({@link io.hypatia.sampler.gp.model.LogEi}), the candidates an acquisition is scored on
 * ({@link io.hypatia.sampler.gp.model.Candidates}), the feature encoding of a search space
 * ({@link io.hypatia.sampler.gp.model.SpaceEncoding}) and the caches that let successive asks
 * reuse fits and factors ({@link io.hypatia.sampler.gp.model.ModelCache},
 * {@link io.hypatia.sampler.gp.model.FitSchedule}). Immutable or thread-safe; no OSGi services.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.hypatia.sampler.gp.model;
