package io.hypatia.launcher.bench;

import io.hypatia.engine.PluginRef;
import io.hypatia.engine.StudyEngine;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One optimizer of a benchmark plan: a sampler and a scheduler, each a plugin name with its
 * configuration, written {@code sampler[:k=v,...][+scheduler[:k=v,...]]}, e.g.
 * {@code random} or {@code random+median:min_completed=3}. The written form is also the label
 * the optimizer carries in CSVs, summaries and plots.
 */
public record OptimizerSpec(String label, PluginRef sampler, PluginRef scheduler) {

    public static OptimizerSpec parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            throw new BenchException("empty optimizer; expected sampler[:k=v,...][+scheduler[:k=v,...]]");
        }
        int plus = t.indexOf('+');
        PluginRef sampler = plugin(plus < 0 ? t : t.substring(0, plus), t, "sampler");
        PluginRef scheduler = plus < 0 ? PluginRef.of(StudyEngine.NO_SCHEDULER) : plugin(t.substring(plus + 1), t, "scheduler");
        return new OptimizerSpec(t, sampler, scheduler);
    }

    /** True when the optimizer has a scheduler, so multi-fidelity trials are trained step by step. */
    public boolean hasScheduler() {
        return !StudyEngine.NO_SCHEDULER.equals(scheduler.name());
    }

    private static PluginRef plugin(String part, String whole, String kind) {
        int colon = part.indexOf(':');
        String name = (colon < 0 ? part : part.substring(0, colon)).trim();
        if (name.isEmpty()) {
            throw new BenchException("optimizer '" + whole + "': missing " + kind + " name");
        }
        Map<String, String> config = new LinkedHashMap<>();
        if (colon >= 0) {
            for (String kv : part.substring(colon + 1).split(",")) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new BenchException("optimizer '" + whole + "': " + kind + " setting '" + kv.trim()
                            + "' is not key=value");
                }
                config.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        return new PluginRef(name, "", config);
    }
}
