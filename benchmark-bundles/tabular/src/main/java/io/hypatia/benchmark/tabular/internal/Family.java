package io.hypatia.benchmark.tabular.internal;

import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;

/** The three published tabular benchmarks: data folder, name prefix and objective of each. */
public enum Family {
    FCNET("hpolib", "fcnet", "valid_mse", Direction.MINIMIZE,
            "FCNet tabular benchmark (HPOLib, Klein & Hutter 2019): validation MSE"),
    HPOBENCH_MLP("hpobench", "hpobench-mlp", "valid_accuracy", Direction.MAXIMIZE,
            "HPOBench MLP tabular benchmark (Eggensperger et al. 2021): validation accuracy"),
    NB201("nasbench201", "nb201", "valid_accuracy_pct", Direction.MAXIMIZE,
            "NAS-Bench-201 (Dong & Yang 2020): validation accuracy % at epoch 200");

    private final String folder;
    private final String prefix;
    private final String metric;
    private final Direction direction;
    private final String title;

    Family(String folder, String prefix, String metric, Direction direction, String title) {
        this.folder = folder;
        this.prefix = prefix;
        this.metric = metric;
        this.direction = direction;
        this.title = title;
    }

    /** Sub-folder of the tabular data directory holding this family's {@code *.csv.gz}. */
    public String folder() {
        return folder;
    }

    /** Benchmark name of one data set, e.g. {@code fcnet-naval_propulsion}. */
    public String benchmarkName(String dataset) {
        return prefix + "-" + dataset;
    }

    /** Column prefix of the per-seed results, e.g. {@code valid_mse} for {@code valid_mse_seed0}. */
    public String metric() {
        return metric;
    }

    public Direction direction() {
        return direction;
    }

    public Objective objective() {
        return new Objective(metric, direction);
    }

    public String describe(String dataset) {
        return title + " on " + dataset + " (" + direction.name().toLowerCase() + ", exact optimum known)";
    }
}
