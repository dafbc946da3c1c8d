package io.hypatia.sampler.grid.internal;

import io.hypatia.api.Configurable;
import io.hypatia.api.PluginConfig;
import io.hypatia.api.PluginProperties;
import io.hypatia.api.Setting;
import io.hypatia.api.Settings;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.SearchSpace;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * Grid search: trial number n evaluates grid point n (or the n-th point of a seeded shuffled
 * order), so the whole grid is covered once by trials 0..N-1 without any stored state, however
 * workers interleave. Categorical, ordinal and int parameters take all their values unless a
 * grid is given; float parameters must be given a grid. Conditional parameters vary only where
 * active. A trial that fails or is pruned is not retried: its grid point counts as visited.
 *
 * <p>When the trial number reaches the grid size N the sampler throws a
 * {@link GridExhaustedException} (the API's {@code SearchSpaceExhaustedException}) whose message
 * says the grid of N points is exhausted; the engine answers that Ask with OUT_OF_RANGE and this
 * message instead of sampling at random. A float parameter without
 * a grid, or a grid value outside its parameter's domain, is refused when the study is created
 * ({@link #check}).
 *
 * <p>Sampler config keys:
 * <ul>
 *   <li>{@code grid.<param>} — comma-separated grid values of a parameter, e.g.
 *       {@code grid.lr=0.001,0.01,0.1}; required for float parameters, optional for others
 *       (restricts an int, categorical or ordinal parameter to the listed values). Values must
 *       lie in the parameter's domain; choices are matched by their text.</li>
 *   <li>{@code shuffle} — {@code false} (default: nested-loop order, last parameter fastest) or
 *       {@code true} (a pseudo-random order seeded by the study seed).</li>
 * </ul>
 * An int parameter with more than 100,000 values needs an explicit grid.
 */
@Component(service = Sampler.class, property = {
        PluginProperties.NAME + "=grid",
        PluginProperties.DESCRIPTION + "=Grid search over all choices/ints and user grids for floats (config grid.<param>=v1,v2,...; shuffle)"})
public class GridSampler implements Sampler, Configurable {
    static final String GRID_PREFIX = "grid.";
    static final String SHUFFLE = "shuffle";
    static final int MAX_VALUES_PER_PARAMETER = 100_000;
    static final Settings SETTINGS = Settings.of(
            Setting.text(GRID_PREFIX + "*", "", "comma-separated grid values of parameter <*>; required for floats"),
            Setting.bool(SHUFFLE, false, "visit the grid in a seeded pseudo-random order instead of nested loops"));

    @Override
    public Settings settings() {
        return SETTINGS;
    }

    /** Refuses, at study creation, a grid that cannot be built (e.g. a float parameter without values). */
    @Override
    public void check(SearchSpace space, PluginConfig config) {
        new Grid(space, Grid.valuesFrom(space, config.withPrefix(GRID_PREFIX)));
    }

    @Override
    public Config suggest(SamplerContext context) {
        PluginConfig config = SETTINGS.read(context.config());
        boolean shuffle = config.bool(SHUFFLE);
        List<List<Object>> values = Grid.valuesFrom(context.space(), config.withPrefix(GRID_PREFIX));
        Grid grid = new Grid(context.space(), values);
        long size = grid.size();
        int trial = context.trialNumber();
        if (trial >= size) {
            throw new GridExhaustedException(size, trial);
        }
        long index = shuffle ? new ShuffledOrder(size, context.seed()).at(trial) : trial;
        return grid.point(index);
    }

    /** Number of points of the grid the given space and config define. */
    static long gridSize(SamplerContext context) {
        return new Grid(context.space(), Grid.valuesFrom(context.space(), SETTINGS.read(context.config()).withPrefix(GRID_PREFIX))).size();
    }
}
