package io.hypatia.sampler.gp.internal;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.benchmark.synthetic.internal.SyntheticSuite;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Where the GP puts its trials: runs it on synthetic functions, textbook (run seed 0's instance,
 * the optimum where the textbook puts it) and shifted (run seed s's instance, as {@code hypatia
 * bench} runs them), and reports per function the median simple regret, the fraction of
 * post-startup trials with at least one float coordinate on a bound of its range, and the
 * fraction that are exact corners (every coordinate on a bound). None of these functions has
 * its optimum on the boundary, so bound trials are wasted budget. Not a test: run with
 * <pre>java -cp target/classes:target/test-classes:$(cat cp.txt) io.hypatia.sampler.gp.internal.GpBoundStudy \
 *     [--functions branin,hartmann6,levy-10,rosenbrock-10] [--seeds 5|A..B] [--trials 100] [--threads 2] \
 *     [--variants textbook,shifted] [--config key=value,...] [--out gp-bounds.csv] [--evaluations FILE]</pre>
 * Writes one CSV row per run and prints a summary; with {@code --evaluations} also every trial
 * of the shifted runs in {@code hypatia bench}'s evaluation CSV format (optimizer {@code gp},
 * simple regret as score), so the runs can sit beside a bench or Optuna run in one comparison.
 */
public final class GpBoundStudy {
    private static final double ON_BOUND = 1e-9;

    private GpBoundStudy() {
    }

    record Run(String function, String variant, int seed, int trials, double regret, double regretAt100,
               double boundFraction, double cornerFraction, double boundFractionAt100, double meanAskMs, List<String> rows) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        List<String> functions = List.of(opts.getOrDefault("functions", "branin,hartmann6,levy-10,rosenbrock-10").split(","));
        // N (seeds 1..N) or A..B
        String[] seedRange = opts.getOrDefault("seeds", "5").split("\\.\\.");
        int firstSeed = seedRange.length == 2 ? Integer.parseInt(seedRange[0]) : 1;
        int lastSeed = Integer.parseInt(seedRange[seedRange.length - 1]);
        int trials = Integer.parseInt(opts.getOrDefault("trials", "100"));
        int threads = Integer.parseInt(opts.getOrDefault("threads", "2"));
        Path out = Path.of(opts.getOrDefault("out", "gp-bounds.csv"));
        List<String> variants = List.of(opts.getOrDefault("variants", "textbook,shifted").split(","));
        Path evaluations = opts.containsKey("evaluations") ? Path.of(opts.get("evaluations")) : null;
        Map<String, String> config = new LinkedHashMap<>();
        if (opts.containsKey("config")) {
            for (String kv : opts.get("config").split(",")) {
                String[] p = kv.split("=", 2);
                config.put(p[0].trim(), p[1].trim());
            }
        }
        int startup = GpSettings.parse(config).startupTrials();
        System.out.printf("GP on %s, seeds %d..%d x %d trials, config %s%n", functions, firstSeed, lastSeed, trials, config);

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Run>> futures = new ArrayList<>();
        for (String f : functions) {
            for (String variant : variants) {
                for (int s = firstSeed; s <= lastSeed; s++) {
                    int seed = s;
                    futures.add(pool.submit(() -> run(f, variant, seed, trials, startup, config)));
                }
            }
        }
        List<Run> runs = new ArrayList<>();
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out));
             PrintWriter e = evaluations == null ? null : new PrintWriter(Files.newBufferedWriter(evaluations))) {
            w.println("function,variant,seed,trials,regret,regret_at_100,bound_fraction,corner_fraction,bound_fraction_at_100,mean_ask_ms");
            if (e != null) {
                e.println("optimizer,benchmark,seed,trial,resource,value,best,score_kind,score,sim_time,wall_time,epochs");
            }
            for (Future<Run> fu : futures) {
                Run r = fu.get();
                runs.add(r);
                w.printf(Locale.ROOT, "%s,%s,%d,%d,%.6g,%.6g,%.4f,%.4f,%.4f,%.2f%n", r.function(), r.variant(), r.seed(), r.trials(),
                        r.regret(), r.regretAt100(), r.boundFraction(), r.cornerFraction(), r.boundFractionAt100(), r.meanAskMs());
                w.flush();
                if (e != null && r.variant().equals("shifted")) {
                    r.rows().forEach(e::println);
                    e.flush();
                }
                System.out.printf(Locale.ROOT, "  %-14s %-8s seed %2d: regret %.4g, on a bound %.0f%%, corners %.0f%%, %.0f ms/ask%n",
                        r.function(), r.variant(), r.seed(), r.regret(), 100 * r.boundFraction(), 100 * r.cornerFraction(), r.meanAskMs());
            }
        } finally {
            pool.shutdown();
        }
        System.out.printf("%n| function | variant | median regret @%d | median regret @100 | trials on a bound | corners | on a bound up to trial 100 |%n"
                + "|---|---|---:|---:|---:|---:|---:|%n", trials);
        for (String f : functions) {
            for (String variant : variants) {
                List<Run> rs = runs.stream().filter(r -> r.function().equals(f) && r.variant().equals(variant)).toList();
                System.out.printf(Locale.ROOT, "| %s | %s | %.3g | %.3g | %.1f%% | %.1f%% | %.1f%% |%n", f, variant,
                        StudyLoop.median(rs.stream().mapToDouble(Run::regret).toArray()),
                        StudyLoop.median(rs.stream().mapToDouble(Run::regretAt100).toArray()),
                        100 * rs.stream().mapToDouble(Run::boundFraction).average().orElse(0),
                        100 * rs.stream().mapToDouble(Run::cornerFraction).average().orElse(0),
                        100 * rs.stream().mapToDouble(Run::boundFractionAt100).average().orElse(0));
            }
        }
        System.out.println("runs in " + out.toAbsolutePath());
    }

    static Run run(String function, String variant, int seed, int trials, int startup, Map<String, String> config) {
        Benchmark b = SyntheticSuite.get(function).instance(variant.equals("textbook") ? 0 : seed);
        SearchSpace space = b.space();
        double optimum = b.optimalValue().orElseThrow();
        StudyLoop.OnBenchmark study = new StudyLoop.OnBenchmark(b, seed, config);
        double best = Double.POSITIVE_INFINITY, bestAt100 = Double.NaN;
        int bound = 0, corner = 0, boundAt100 = 0;
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < trials; i++) {
            double v = study.next();
            Config c = study.last();
            best = Math.min(best, v);
            if (i == 99) {
                bestAt100 = best;
            }
            if (i >= startup) {
                int onBound = boundCoordinates(space, c);
                bound += onBound > 0 ? 1 : 0;
                corner += onBound == space.size() ? 1 : 0;
                boundAt100 += onBound > 0 && i < 100 ? 1 : 0;
            }
            rows.add(String.format(Locale.ROOT, "gp,%s,%d,%d,0,%s,%s,regret,%s,%d,%.3f,0", function, seed, i, v, best, best - optimum,
                    i + 1, study.askNanos() / 1e9));
        }
        int after = Math.max(1, trials - startup);
        int afterAt100 = Math.max(1, Math.min(trials, 100) - startup);
        return new Run(function, variant, seed, trials, best - optimum, Double.isNaN(bestAt100) ? best - optimum : bestAt100 - optimum,
                (double) bound / after, (double) corner / after, (double) boundAt100 / afterAt100, study.askNanos() / 1e6 / trials, rows);
    }

    /** Float coordinates of {@code c} at the low or high end of their range. */
    static int boundCoordinates(SearchSpace space, Config c) {
        int n = 0;
        for (Parameter p : space.parameters()) {
            if (p instanceof FloatParameter f && c.has(f.name())) {
                double u = f.toUnit(c.get(f.name()));
                n += u <= ON_BOUND || u >= 1 - ON_BOUND ? 1 : 0;
            }
        }
        return n;
    }
}
