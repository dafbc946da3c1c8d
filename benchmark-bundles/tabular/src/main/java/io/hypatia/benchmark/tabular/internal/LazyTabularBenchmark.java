package io.hypatia.benchmark.tabular.internal;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.benchmark.Evaluation;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Objective;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.OptionalDouble;

/**
 * A registered table that reads its file on first use, so that registering all tables costs
 * nothing and a service nobody asks for never takes memory.
 */
final class LazyTabularBenchmark implements Benchmark {
    private final TabularBenchmarks.TableFile table;
    private volatile TabularBenchmark loaded;

    LazyTabularBenchmark(TabularBenchmarks.TableFile table) {
        this.table = table;
    }

    boolean isLoaded() {
        return loaded != null;
    }

    TabularBenchmark get() {
        TabularBenchmark b = loaded;
        if (b == null) {
            synchronized (this) {
                b = loaded;
                if (b == null) {
                    try {
                        loaded = b = TabularBenchmarks.load(table);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot load tabular benchmark " + name() + " from " + table.file(), e);
                    }
                }
            }
        }
        return b;
    }

    @Override
    public String name() {
        return table.name();
    }

    @Override
    public SearchSpace space() {
        return get().space();
    }

    @Override
    public List<Objective> objectives() {
        return List.of(table.family().objective());
    }

    @Override
    public Evaluation evaluate(Config config, double budget, long seed) {
        return get().evaluate(config, budget, seed);
    }

    @Override
    public OptionalDouble optimalValue() {
        return get().optimalValue();
    }

    @Override
    public String toString() {
        return name() + (isLoaded() ? " (loaded)" : " (not loaded)");
    }
}
