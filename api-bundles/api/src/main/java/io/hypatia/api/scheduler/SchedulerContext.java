package io.hypatia.api.scheduler;

import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A study as a scheduler sees it. Calls for one study are never concurrent: the engine makes
 * them one at a time, in the order the reports and asks arrive.
 *
 * <p>{@link #trials()} is built on first use; schedulers that keep rung state in
 * {@link #memory} touch it only when they rebuild that state.
 */
public final class SchedulerContext {
    private final String studyName;
    private final List<Objective> objectives;
    private final Supplier<List<Trial>> trialSource;
    private final Map<String, String> config;
    private final SearchSpace space;
    private final Fidelity fidelity;
    private final long seed;
    private final SchedulerMemory memory;
    private final List<MaxResourceRaise> raises;
    private List<Trial> trials;

    /**
     * @param studyName  the study's name
     * @param objectives objectives in order; schedulers act on the first
     * @param trials     supplies every trial of the study in creation order, with the
     *                   intermediate values of its current attempt
     * @param config     the scheduler's configuration as given at study creation
     * @param space      the study's search space
     * @param fidelity   the study's training resource, or null when it has none
     * @param seed       the study's seed, for reproducible random choices
     * @param memory     the per-study slot for incremental state
     */
    public SchedulerContext(String studyName, List<Objective> objectives, Supplier<List<Trial>> trials,
                            Map<String, String> config, SearchSpace space, Fidelity fidelity, long seed,
                            SchedulerMemory memory) {
        this(studyName, objectives, trials, config, space, fidelity, seed, memory, List.of());
    }

    /**
     * A context of a study whose max resource was raised while it ran.
     *
     * @param fidelity the study's training resource with its current max
     * @param raises   every raise of the max resource, oldest first (empty when never raised)
     * @since 2.1
     */
    public SchedulerContext(String studyName, List<Objective> objectives, Supplier<List<Trial>> trials,
                            Map<String, String> config, SearchSpace space, Fidelity fidelity, long seed,
                            SchedulerMemory memory, List<MaxResourceRaise> raises) {
        this.raises = List.copyOf(raises);
        this.studyName = studyName;
        this.objectives = List.copyOf(objectives);
        this.trialSource = trials;
        this.config = Map.copyOf(config);
        this.space = space;
        this.fidelity = fidelity;
        this.seed = seed;
        this.memory = memory;
    }

    /** A context over a fixed list of trials, with no search space, fidelity or memory kept between calls. */
    public SchedulerContext(String studyName, List<Objective> objectives, List<Trial> trials, Map<String, String> config) {
        this(studyName, objectives, () -> trials, config, null, null, 0, new SchedulerMemory());
    }

    public String studyName() {
        return studyName;
    }

    public List<Objective> objectives() {
        return objectives;
    }

    /** Every trial of the study in creation order (built once per context, on first use). */
    public List<Trial> trials() {
        if (trials == null) {
            trials = List.copyOf(trialSource.get());
        }
        return trials;
    }

    public Map<String, String> config() {
        return config;
    }

    /** The study's search space (null only in hand-made test contexts). */
    public SearchSpace space() {
        return space;
    }

    /** The study's training resource, if it has one. */
    public Optional<Fidelity> fidelity() {
        return Optional.ofNullable(fidelity);
    }

    public long seed() {
        return seed;
    }

    /**
     * Every raise of the study's max resource while it ran, oldest first; empty when the max
     * resource is the one the study was created with. {@link #fidelity()} has the current max.
     *
     * @since 2.1
     */
    public List<MaxResourceRaise> raises() {
        return raises;
    }

    /**
     * The scheduler's per-study state of type {@code type}, rebuilt with {@code rebuild} (from
     * {@link #trials()}) when the engine holds none or one of another class (e.g. from a bundle
     * version that was replaced). Mutate it in place; the engine keeps it for the next call.
     */
    public <T> T memory(Class<T> type, Function<SchedulerContext, T> rebuild) {
        Object held = memory.get();
        if (type.isInstance(held)) {
            return type.cast(held);
        }
        T fresh = rebuild.apply(this);
        memory.set(fresh);
        return fresh;
    }

    /** A random stream that depends only on the study's seed and {@code salt} (e.g. a trial number). */
    public SplittableRandom random(long salt) {
        return new SplittableRandom(mix64(mix64(seed ^ 0x5DEECE66DL) + salt * 0x9E3779B97F4A7C15L));
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A scheduler setting parsed as a double, or {@code fallback} when absent. */
    public double configDouble(String key, double fallback) {
        String v = config.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UnsuitableStudyException("config." + key, "'" + v + "' is not a number");
        }
    }

    /** A scheduler setting as text, or {@code fallback} when absent. */
    public String configString(String key, String fallback) {
        String v = config.get(key);
        return v == null ? fallback : v.trim();
    }
}
