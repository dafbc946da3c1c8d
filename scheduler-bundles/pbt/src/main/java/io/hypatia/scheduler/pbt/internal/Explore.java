package io.hypatia.scheduler.pbt.internal;

import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.OrdinalParameter;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.space.SearchSpace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * PBT's explore step (Jaderberg et al. 2017, "perturb"): each parameter is resampled from its
 * prior with probability {@code resampleProbability}; otherwise a number is multiplied by 0.8 or
 * 1.2 (kept in bounds, on an integer's step grid, moved by at least one step), an ordinal moves
 * to a neighbouring choice, and a categorical keeps its value. A parameter that becomes active
 * through its parent's new value is drawn from its prior.
 */
final class Explore {
    static final double DOWN = 0.8, UP = 1.2;

    /** The perturbed configuration and a short description of what changed. */
    record Result(Config config, String changes) {
    }

    private Explore() {
    }

    static Result perturb(SearchSpace space, Config parent, SplittableRandom random, double resampleProbability) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> changes = new ArrayList<>();
        for (Parameter p : space.parameters()) {
            if (!space.isActive(p, out)) {
                continue;
            }
            Object old = parent.has(p.name()) ? parent.get(p.name()) : null;
            Object v;
            String how;
            if (old == null || random.nextDouble() < resampleProbability) {
                v = p.fromUnit(random.nextDouble());
                how = "resampled";
            } else {
                boolean up = random.nextBoolean();
                v = perturb(p, old, up);
                how = p instanceof CategoricalParameter ? "kept" : p instanceof OrdinalParameter ? (up ? "next" : "previous") : "x" + (up ? UP : DOWN);
            }
            out.put(p.name(), v);
            if (!v.equals(old)) {
                changes.add(p.name() + " " + old + " -> " + v + " (" + how + ")");
            }
        }
        return new Result(space.validate(new Config(out)), changes.isEmpty() ? "no change" : String.join(", ", changes));
    }

    private static Object perturb(Parameter p, Object old, boolean up) {
        double factor = up ? UP : DOWN;
        if (p instanceof FloatParameter f) {
            return Math.min(f.high(), Math.max(f.low(), ((Number) old).doubleValue() * factor));
        }
        if (p instanceof IntParameter i) {
            long v = ((Number) old).longValue();
            long scaled = Math.round((v * factor - i.low()) / i.step()) * i.step() + i.low();
            if (scaled == v) {
                scaled = v + (up ? i.step() : -i.step()); // small integers: move at least one step
            }
            return Math.min(i.high(), Math.max(i.low(), scaled));
        }
        if (p instanceof OrdinalParameter o) {
            int at = o.indexOf(old) + (up ? 1 : -1);
            return o.choices().get(Math.min(o.choices().size() - 1, Math.max(0, at)));
        }
        return old; // a categorical has no neighbours: it changes only when resampled
    }
}
