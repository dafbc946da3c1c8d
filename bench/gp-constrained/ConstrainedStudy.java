package io.hypatia.sampler.gp.internal;

import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Trial;
import java.util.*;
import java.util.function.Function;

/** GP vs TPE vs random on constrained problems; prints one CSV row per run. */
public class ConstrainedStudy {
    record Problem(String name, int d, Function<double[], Double> f, List<Function<double[], Double>> cs) {}

    public static void main(String[] a) {
        // seeds: N (1..N) or A..B; optional 4th argument: the problems to run
        String[] range = a[0].split("\\.\\.");
        int firstSeed = range.length == 2 ? Integer.parseInt(range[0]) : 1, lastSeed = Integer.parseInt(range[range.length - 1]);
        int trials = Integer.parseInt(a[1]);
        Set<String> only = a.length > 3 ? Set.of(a[3].split(",")) : null;
        List<Problem> problems = List.of(
            // Gramacy et al. 2016: optimum 0.5998 at (0.1954, 0.4044)
            new Problem("gramacy", 2, x -> x[0] + x[1], List.of(
                x -> 1.5 - x[0] - 2 * x[1] - 0.5 * Math.sin(2 * Math.PI * (x[0] * x[0] - 2 * x[1])),
                x -> x[0] * x[0] + x[1] * x[1] - 1.5)),
            // Hartmann-6 restricted to sum(x) <= 1.5 (the free optimum has sum 2.07)
            new Problem("hartmann6-sum1.5", 6, StudyLoop::hartmann6, List.of(
                x -> Arrays.stream(x).sum() - 1.5)));
        System.out.println("problem,sampler,seed,trials,best_feasible,feasible_share");
        for (Problem p : problems) {
            if (only != null && !only.contains(p.name)) {
                continue;
            }
            SearchSpace space = StudyLoop.unitCube(p.d);
            for (String spec : a[2].split(",")) {
                // "gp:noise_floor=1e-10;restarts=3": the sampler's name, then its settings
                String name = spec.split(":", 2)[0];
                Map<String, String> settings = new java.util.LinkedHashMap<>();
                if (spec.contains(":")) {
                    for (String kv : spec.split(":", 2)[1].split(";")) {
                        String[] p2 = kv.split("=", 2);
                        settings.put(p2[0].trim(), p2[1].trim());
                    }
                }
                for (int s = firstSeed; s <= lastSeed; s++) {
                    Sampler sampler = switch (name) {
                        case "gp" -> new GpSampler();
                        case "tpe" -> new io.hypatia.sampler.tpe.internal.TpeSampler();
                        default -> new io.hypatia.sampler.random.internal.RandomSampler();
                    };
                    List<Trial> h = new ArrayList<>();
                    double best = Double.POSITIVE_INFINITY; int feasible = 0;
                    for (int i = 0; i < trials; i++) {
                        Config c = sampler.suggest(StudyLoop.context(space, h, s, settings));
                        double[] x = StudyLoop.vector(c, p.d);
                        double y = p.f.apply(x);
                        List<Double> cv = p.cs.stream().map(f -> f.apply(x)).toList();
                        boolean ok = cv.stream().allMatch(v -> v <= 0);
                        if (ok) { feasible++; best = Math.min(best, y); }
                        h.add(StudyLoop.complete(i, c, y, cv));
                    }
                    System.out.printf(Locale.ROOT, "%s,%s,%d,%d,%.6g,%.3f%n", p.name, spec, s, trials, best, feasible / (double) trials);
                }
            }
        }
    }
}
