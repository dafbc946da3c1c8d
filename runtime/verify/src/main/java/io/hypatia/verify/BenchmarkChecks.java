package io.hypatia.verify;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.benchmark.Evaluation;
import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.space.Config;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The benchmark contract: a valid space and objectives, evaluations with one finite value per
 * objective and a non-negative cost, the same evaluation for the same seed, fidelity bounds
 * that hold at both ends, and a reference point of the right length.
 */
final class BenchmarkChecks {
    private static final int POINTS = 10;

    private BenchmarkChecks() {
    }

    static void run(String plugin, String registeredName, Benchmark benchmark, Report report, Calls calls) {
        try {
            String problem = problem(registeredName, benchmark, calls);
            report.add(plugin, "consistent", problem == null, problem == null
                    ? POINTS + " configurations evaluated at the fidelity bounds, deterministic per seed" : problem);
        } catch (Exception e) {
            report.add(plugin, "consistent", false, "threw " + e);
        }
        report.add(plugin, "time", true, calls.timing());
    }

    private static String problem(String registeredName, Benchmark b, Calls calls) throws Exception {
        if (!registeredName.equals(b.name())) {
            return "name() is '" + b.name() + "' but the service is registered as '" + registeredName + "'";
        }
        if (b.space() == null || b.space().size() == 0) {
            return "space() is empty";
        }
        if (b.objectives() == null || b.objectives().isEmpty()) {
            return "objectives() is empty";
        }
        Optional<Fidelity> fidelity = b.fidelity();
        double[] budgets = {0};
        if (fidelity.isPresent()) {
            Fidelity f = fidelity.get();
            if (!(f.min() > 0) || !(f.max() >= f.min()) || !Double.isFinite(f.max())) {
                return "fidelity bounds [" + f.min() + ", " + f.max() + "] are not 0 < min <= max < inf";
            }
            budgets = new double[] {f.min(), f.max()};
        }
        Optional<List<Double>> ref = b.referencePoint();
        if (ref.isPresent() && ref.get().size() != b.objectives().size()) {
            return "referencePoint() has " + ref.get().size() + " values for " + b.objectives().size() + " objectives";
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < POINTS; i++) {
            Config c = b.space().sampleUniform(random);
            for (double budget : budgets) {
                Evaluation e1 = calls.call(() -> b.evaluate(c, budget, 42));
                Evaluation e2 = calls.call(() -> b.evaluate(c, budget, 42));
                if (e1 == null || e1.values().size() != b.objectives().size()) {
                    return "evaluate(" + c + ", " + budget + ") gave " + (e1 == null ? "null" : e1.values().size() + " values")
                            + " for " + b.objectives().size() + " objectives";
                }
                if (e1.values().stream().anyMatch(v -> !Double.isFinite(v)) || !(e1.cost() >= 0) || !Double.isFinite(e1.cost())) {
                    return "evaluate(" + c + ", " + budget + ") gave a non-finite value or a negative cost: " + e1;
                }
                if (!e1.equals(e2)) {
                    return "evaluate(" + c + ", " + budget + ", seed 42) gave " + e1 + " then " + e2;
                }
            }
        }
        return null;
    }
}
