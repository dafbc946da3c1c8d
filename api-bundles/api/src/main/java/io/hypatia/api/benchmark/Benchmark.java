package io.hypatia.api.benchmark;

import io.hypatia.api.space.Config;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Objective;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A problem to optimise, used by the demo and the benchmark runner. Register as an OSGi service
 * with the property {@code hypatia.name}; one bundle may register several benchmarks.
 */
@ConsumerType
public interface Benchmark {

    /** Short unique name, e.g. {@code branin}. */
    String name();

    SearchSpace space();

    List<Objective> objectives();

    /** The resource this benchmark can be evaluated at, when it is multi-fidelity. */
    default Optional<Fidelity> fidelity() {
        return Optional.empty();
    }

    /**
     * Evaluates {@code config} at {@code budget} (ignored without a fidelity; pass the fidelity's
     * max for a full evaluation). {@code seed} selects observation noise where there is any.
     */
    Evaluation evaluate(Config config, double budget, long seed);

    /**
     * The variant of this benchmark used by a run with {@code runSeed}: a synthetic function
     * may shift its optimum inside the domain per run (as BBOB does) so that a sampler probing
     * the centre of the box is not rewarded for it. Defaults to this benchmark unchanged.
     */
    default Benchmark instance(long runSeed) {
        return this;
    }

    /** The best achievable value of a single objective, when known, so regret can be computed. */
    default OptionalDouble optimalValue() {
        return OptionalDouble.empty();
    }

    /**
     * For several objectives: the reference point for hypervolume, one value per objective in
     * objective order, worse than every point of interest.
     */
    default Optional<List<Double>> referencePoint() {
        return Optional.empty();
    }
}
