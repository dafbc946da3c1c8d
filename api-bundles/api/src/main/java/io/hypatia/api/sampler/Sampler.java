package io.hypatia.api.sampler;

import io.hypatia.api.space.Config;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Suggests configurations. Register an implementation as an OSGi service with the property
 * {@code hypatia.name} ({@link io.hypatia.api.PluginProperties#NAME}).
 *
 * <p>Samplers are stateless with respect to the service: everything needed is in the
 * context (the space and the whole trial history, running trials included). Anything kept in
 * memory must be a cache that can be rebuilt from that history, because the service may
 * restart, run several replicas, or swap the sampler's bundle between two calls.
 *
 * <p>A call that throws or runs past the study's time limit is logged and counted, and the
 * engine falls back to uniform random sampling for that trial. A sampler with nothing left to
 * propose throws {@link SearchSpaceExhaustedException} instead: that is an answer, not a fault.
 */
@ConsumerType
public interface Sampler {

    /** Returns a configuration valid for {@code context.space()}. */
    Config suggest(SamplerContext context);
}
