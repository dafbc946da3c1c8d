package io.hypatia.sampler.grid.internal;

import io.hypatia.api.PluginProperties;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Grid search: trial number n evaluates grid point n (or the n-th point of a seeded shuffled
 * order), so the whole grid is covered once by trials 0..N-1 without any stored state, however
 * workers interleave. Categorical, ordinal and int parameters take all their values unless a
 * grid is given; float parameters must be given a grid. Conditional parameters vary only where
 * active. A trial that fails or is pruned is not retried: its grid point counts as visited.
 *
 * <p>When the trial number reaches the grid size N the sampler throws a
 * {@link GridExhaustedException} whose message says the grid of N points is exhausted; the
 * engine logs and counts it and falls back to uniform random sampling for that trial, as for
 * any sampler failure. Stop a grid study at N trials to avoid that.
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
public class GridSampler implements Sampler {
    static final String GRID_PREFIX = "grid.";
    static final String SHUFFLE = "shuffle";
    static final int MAX_VALUES_PER_PARAMETER = 100_000;

    @Override
    public Config suggest(SamplerContext context) {
        boolean shuffle = parseShuffle(context.config());
        List<List<Object>> values = Grid.valuesFrom(context.space(), context.config());
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
        return new Grid(context.space(), Grid.valuesFrom(context.space(), context.config())).size();
    }

    private static boolean parseShuffle(Map<String, String> config) {
        String s = config.get(SHUFFLE);
        if (s == null) {
            return false;
        }
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("sampler config '" + SHUFFLE + "' must be true or false, got '" + s + "'");
        };
    }
}
