package io.hypatia.benchmark.yahpo.internal;

import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import java.util.List;
import java.util.Optional;

/**
 * The YAHPO Gym scenarios this bundle knows, with the metadata that is not in the data files:
 * the order of the surrogate's categorical and continuous inputs and of its outputs, which
 * parameters are the instance and the fidelity, and the target used as objective and as cost.
 *
 * <p>The input and output orders are those of YAHPO Gym for the v1.0 surrogates ({@code model.onnx}
 * of the {@code yahpo_data} repository): {@code yahpo_gym/benchmarks/lcbench.py}, {@code rbv2.py}
 * (where {@code repl} is still a continuous input and all nine rbv2 targets are predicted) and
 * {@code iaml.py}. {@link Surrogate} checks the input widths and the output width against the
 * ONNX model when it loads, so a newer surrogate with another layout fails with a clear message
 * instead of answering garbage.
 */
public enum Scenario {
    LCBENCH("lcbench", "OpenML_task_id",
            List.of("OpenML_task_id"),
            List.of("epoch", "batch_size", "learning_rate", "momentum", "weight_decay", "num_layers", "max_units", "max_dropout"),
            List.of("time", "val_accuracy", "val_cross_entropy", "val_balanced_accuracy", "test_cross_entropy", "test_balanced_accuracy"),
            "epoch", true, List.of(), "val_accuracy", Direction.MAXIMIZE, "time",
            "LCBench (Zimmer et al. 2021) MLP learning curves, YAHPO Gym surrogate: validation accuracy in %"),
    RBV2_XGBOOST("rbv2_xgboost", "task_id",
            List.of("task_id", "booster", "num.impute.selected.cpo"),
            List.of("nrounds", "eta", "gamma", "lambda", "alpha", "subsample", "max_depth", "min_child_weight",
                    "colsample_bytree", "colsample_bylevel", "rate_drop", "skip_drop", "trainsize", "repl"),
            Rbv2.TARGETS, "trainsize", false, List.of("repl"), "acc", Direction.MAXIMIZE, "timetrain",
            "rbv2 xgboost (Binder et al. 2020), YAHPO Gym surrogate: accuracy"),
    RBV2_RPART("rbv2_rpart", "task_id",
            List.of("task_id", "num.impute.selected.cpo"),
            List.of("cp", "maxdepth", "minbucket", "minsplit", "trainsize", "repl"),
            Rbv2.TARGETS, "trainsize", false, List.of("repl"), "acc", Direction.MAXIMIZE, "timetrain",
            "rbv2 rpart decision trees (Binder et al. 2020), YAHPO Gym surrogate: accuracy"),
    IAML_GLMNET("iaml_glmnet", "task_id",
            List.of("task_id"),
            List.of("alpha", "s", "trainsize"),
            List.of("mmce", "f1", "auc", "logloss", "ramtrain", "rammodel", "rampredict", "timetrain", "timepredict", "mec", "ias", "nf"),
            "trainsize", false, List.of(), "mmce", Direction.MINIMIZE, "timetrain",
            "iaml glmnet (YAHPO Gym) surrogate: mean misclassification error");

    private static final class Rbv2 {
        static final List<String> TARGETS =
                List.of("acc", "bac", "auc", "brier", "f1", "logloss", "timetrain", "timepredict", "memory");
    }

    private final String folder;
    private final String instanceParameter;
    private final List<String> categoricalInputs;
    private final List<String> continuousInputs;
    private final List<String> targets;
    private final String fidelityParameter;
    private final boolean integerFidelity;
    private final List<String> fixedAtMax;
    private final String objectiveTarget;
    private final Direction direction;
    private final String runtimeTarget;
    private final String title;

    Scenario(String folder, String instanceParameter, List<String> categoricalInputs, List<String> continuousInputs,
            List<String> targets, String fidelityParameter, boolean integerFidelity, List<String> fixedAtMax,
            String objectiveTarget, Direction direction, String runtimeTarget, String title) {
        this.folder = folder;
        this.instanceParameter = instanceParameter;
        this.categoricalInputs = categoricalInputs;
        this.continuousInputs = continuousInputs;
        this.targets = targets;
        this.fidelityParameter = fidelityParameter;
        this.integerFidelity = integerFidelity;
        this.fixedAtMax = fixedAtMax;
        this.objectiveTarget = objectiveTarget;
        this.direction = direction;
        this.runtimeTarget = runtimeTarget;
        this.title = title;
    }

    /** YAHPO's scenario id and the name of its folder in a YAHPO data directory, e.g. {@code lcbench}. */
    public String id() {
        return folder;
    }

    public static Optional<Scenario> byId(String id) {
        for (Scenario s : values()) {
            if (s.folder.equals(id)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The parameter that names the instance (an OpenML task or data set id), fixed per benchmark. */
    public String instanceParameter() {
        return instanceParameter;
    }

    /** Names of the surrogate's categorical inputs, in the model's column order. */
    public List<String> categoricalInputs() {
        return categoricalInputs;
    }

    /** Names of the surrogate's continuous inputs, in the model's column order. */
    public List<String> continuousInputs() {
        return continuousInputs;
    }

    /** Names of the surrogate's outputs, in the model's column order. */
    public List<String> targets() {
        return targets;
    }

    /** The parameter evaluated at the budget, e.g. {@code epoch}. */
    public String fidelityParameter() {
        return fidelityParameter;
    }

    /** True when the budget is rounded to an integer (epochs). */
    public boolean integerFidelity() {
        return integerFidelity;
    }

    /** Further fidelity parameters that are held at their maximum ({@code repl} of rbv2). */
    public List<String> fixedAtMax() {
        return fixedAtMax;
    }

    public String objectiveTarget() {
        return objectiveTarget;
    }

    public Direction direction() {
        return direction;
    }

    public Objective objective() {
        return new Objective(objectiveTarget, direction);
    }

    /** The target holding the simulated training time in seconds, used as the evaluation cost. */
    public String runtimeTarget() {
        return runtimeTarget;
    }

    /** Benchmark name of one instance, e.g. {@code yahpo-lcbench-3945}. */
    public String benchmarkName(String instance) {
        return YahpoBenchmarks.PREFIX + folder + "-" + instance;
    }

    /** Benchmark name of the scenario's default instance, e.g. {@code yahpo-lcbench}. */
    public String defaultBenchmarkName() {
        return YahpoBenchmarks.PREFIX + folder;
    }

    public String describe(String instance) {
        return title + " (" + direction.name().toLowerCase() + "), instance " + instanceParameter + "=" + instance
                + ", fidelity " + fidelityParameter + ", cost = predicted " + runtimeTarget + " in seconds";
    }
}
