package io.hypatia.scheduler.support;

import io.hypatia.api.PluginConfig;
import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.scheduler.UnsuitableStudyException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * A scheduler's settings, read strictly: unknown keys are refused (a typo such as {@code eat=2}
 * must not silently run with the default), and every bad value is an
 * {@link UnsuitableStudyException} naming {@code config.<key>}.
 */
public final class Settings {
    private final String scheduler;
    private final Map<String, String> values;
    private final PluginConfig typed;

    private Settings(String scheduler, Map<String, String> values) {
        this.scheduler = scheduler;
        this.values = values;
        this.typed = PluginConfig.of("scheduler", values);
    }

    /**
     * The settings of {@code context}, refusing keys outside {@code known}.
     *
     * @param scheduler the scheduler's name, for messages
     */
    public static Settings of(SchedulerContext context, String scheduler, String... known) {
        List<String> allowed = Arrays.asList(known);
        for (String key : new TreeSet<>(context.config().keySet())) {
            if (!allowed.contains(key)) {
                throw new UnsuitableStudyException("config." + key, "unknown setting '" + key + "' of scheduler '"
                        + scheduler + "'; its settings are " + String.join(", ", known));
            }
        }
        return new Settings(scheduler, context.config());
    }

    /** The study's fidelity, or an error naming {@code fidelity} when it has none. */
    public static Fidelity requireFidelity(SchedulerContext context, String scheduler) {
        return context.fidelity().orElseThrow(() -> new UnsuitableStudyException("fidelity", "scheduler '" + scheduler
                + "' needs a fidelity (the training resource, e.g. epochs, with its min and max)"));
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The key of the two (a name and its alias) that is set; refuses both at once. */
    public String either(String key, String alias) {
        if (has(key) && has(alias)) {
            throw new UnsuitableStudyException("config." + alias, "'" + alias + "' is another name for '" + key
                    + "'; give only one of them");
        }
        return has(alias) ? alias : key;
    }

    /** A number in [min, max]. */
    public double real(String key, double fallback, double min, double max) {
        return checked(key, () -> typed.real(key, fallback, min, max));
    }

    /** An integer in [min, max]. */
    public int integer(String key, int fallback, int min, int max) {
        return checked(key, () -> typed.integer(key, fallback, min, max));
    }

    /** One of {@code allowed}, in lower case. */
    public String choice(String key, String fallback, String... allowed) {
        return checked(key, () -> typed.choice(key, fallback, allowed));
    }

    /** An error about {@code key}'s value, e.g. when it conflicts with another setting. */
    public UnsuitableStudyException bad(String key, String problem) {
        return new UnsuitableStudyException("config." + key, "scheduler '" + scheduler + "' setting '" + key + "': " + problem);
    }

    private <T> T checked(String key, Supplier<T> read) {
        try {
            return read.get();
        } catch (UnsuitableStudyException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UnsuitableStudyException("config." + key, e.getMessage());
        }
    }
}
