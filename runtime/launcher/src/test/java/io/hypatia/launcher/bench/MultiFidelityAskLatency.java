package io.hypatia.launcher.bench;

import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import io.hypatia.sampler.dehb.internal.DehbSampler;
import io.hypatia.sampler.mobster.internal.MobsterSampler;
import io.hypatia.sampler.tpe.internal.TpeSampler;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Ask latency of the model-based multi-fidelity samplers (DEHB, TPE in BOHB mode, MOBSTER) on a history
 * shaped like asynchronous Hyperband's on an LCBench-like space (7 parameters, epochs 1-81, eta 3):
 * each trial reported every epoch up to its budget (1, 3, 9, 27 or 81; a third of the trials at
 * each level go on to the next). For every history size it times {@code reps} suggestions and
 * prints the wall-clock median, p99 and max and the thread-CPU median and p99 (on a loaded machine
 * the wall time includes waiting for a core) and writes them as CSV. Not a test; run (from the repository root,
 * after {@code mvn -B -ntp -o -q -pl runtime/launcher -am test-compile}):
 * <pre>
 * java -cp "runtime/launcher/target/test-classes:sampler-bundles/dehb/target/classes:sampler-bundles/tpe/target/classes:sampler-bundles/mobster/target/classes:sampler-bundles/gp-model/target/classes:sampler-bundles/support/target/classes:api-bundles/api/target/classes:$HOME/.m2/repository/org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar" \
 *     io.hypatia.launcher.bench.MultiFidelityAskLatency 1000,5000 100 mf-ask-latency.csv [dehb,tpe-bohb,mobster,mobster-cold]
 * </pre>
 * MOBSTER keeps a cache of hyper-parameter fits, so repeating one history would time only cache
 * hits: {@code mobster} is asked with a history that grows by one trial per ask (n, n+1, ...), so
 * its refits count at about the rate a study sees them, and {@code mobster-cold} with a fresh
 * instance per ask (a refit every time, the worst case).
 */
public final class MultiFidelityAskLatency {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final double[] LEVELS = {1, 3, 9, 27, 81};

    private MultiFidelityAskLatency() {
    }

    public static void main(String[] args) throws IOException {
        int[] sizes = Arrays.stream((args.length > 0 ? args[0] : "1000,5000").split(",")).mapToInt(Integer::parseInt).toArray();
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Path out = Path.of(args.length > 2 ? args[2] : "mf-ask-latency.csv");
        List<Parameter> params = List.of(new IntParameter("batch_size", 16, 512, 1, true, null),
                new FloatParameter("learning_rate", 1e-4, 1e-1, true), new FloatParameter("momentum", 0.1, 0.99, false),
                new FloatParameter("weight_decay", 1e-5, 1e-1, true), new IntParameter("num_layers", 1, 5),
                new IntParameter("max_units", 64, 1024, 1, true, null), new FloatParameter("max_dropout", 0, 1, false));
        SearchSpace space = SearchSpace.of(params);
        List<Objective> objectives = List.of(new Objective("val_err", Direction.MINIMIZE));
        List<String> names = List.of((args.length > 3 ? args[3] : "dehb,tpe-bohb,mobster,mobster-cold").split(","));
        Map<String, Sampler> samplers = Map.of(
                "dehb", new DehbSampler(),
                "tpe-bohb", new TpeSampler(),
                "mobster", new MobsterSampler());
        Map<String, Map<String, String>> configs = Map.of(
                "dehb", Map.of(),
                "tpe-bohb", Map.of("fidelity_rungs", "auto"),
                "mobster", Map.of());
        // mobster-cold: the mobster sampler, a fresh instance per ask
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out))) {
            csv.println("sampler,observations,intermediate_values,repetitions,median_ms,p99_ms,max_ms,cpu_median_ms,cpu_p99_ms");
            System.out.printf("%-12s %12s %13s %10s %10s %10s %11s %11s%n", "sampler", "observations", "intermediates", "median_ms", "p99_ms",
                    "max_ms", "cpu_med_ms", "cpu_p99_ms");
            for (int n : sizes) {
                List<Trial> grown = history(space, n + 120 + reps); // its first n trials are history(space, n)
                List<Trial> history = grown.subList(0, n);
                long values = history.stream().mapToLong(t -> t.intermediates().size()).sum();
                for (String name : names) {
                    boolean cold = name.equals("mobster-cold");
                    boolean growing = name.startsWith("mobster");
                    Sampler sampler = samplers.get(cold ? "mobster" : name);
                    Map<String, String> config = configs.get(cold ? "mobster" : name);
                    long sink = 0;
                    for (int i = 0; i < Math.min(20, reps); i++) { // warm-up
                        List<Trial> seen = growing ? grown.subList(0, n + i) : history;
                        sink += sampler.suggest(new SamplerContext("s", space, objectives, seen, seen.size(), 1, config, 1)).hashCode();
                    }
                    double[] ms = new double[reps];
                    double[] cpu = new double[reps];
                    for (int i = 0; i < reps; i++) {
                        double budget = LEVELS[i % 3];
                        List<Trial> seen = growing ? grown.subList(0, n + 100 + i) : history;
                        SamplerContext ctx = new SamplerContext("s", space, objectives, seen, n + 100 + i, 1, config, budget);
                        Sampler asked = cold ? new MobsterSampler() : sampler;
                        long c0 = THREADS.getCurrentThreadCpuTime();
                        long t0 = System.nanoTime();
                        sink += asked.suggest(ctx).hashCode();
                        ms[i] = (System.nanoTime() - t0) / 1e6;
                        cpu[i] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
                    }
                    Arrays.sort(ms);
                    Arrays.sort(cpu);
                    int p99 = Math.min(reps - 1, (int) Math.ceil(reps * 0.99) - 1);
                    csv.printf(Locale.ROOT, "%s,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f%n", name, n, values, reps, ms[reps / 2], ms[p99],
                            ms[reps - 1], cpu[reps / 2], cpu[p99]);
                    System.out.printf(Locale.ROOT, "%-12s %12d %13d %10.3f %10.3f %10.3f %11.3f %11.3f%s%n", name, n, values,
                            ms[reps / 2], ms[p99], ms[reps - 1], cpu[reps / 2], cpu[p99], sink == 42 ? " " : "");
                }
            }
        }
        System.out.println("wrote " + out.toAbsolutePath());
    }

    /**
     * {@code n} trials as asynchronous Hyperband leaves them: a third promoted at each rung; each with
     * a training time (0.5-10.5 s per epoch), so MOBSTER's cost model is part of what is measured.
     */
    private static List<Trial> history(SearchSpace space, int n) {
        SplittableRandom random = new SplittableRandom(7);
        SplittableRandom costs = new SplittableRandom(8); // its own stream: the history is the same as before costs were added
        List<Trial> trials = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            Config c = space.sampleUniform(random);
            int top = 0;
            while (top < LEVELS.length - 1 && random.nextInt(3) == 0) {
                top++;
            }
            double quality = random.nextDouble();
            List<IntermediateValue> curve = new ArrayList<>();
            for (int e = 1; e <= LEVELS[top]; e++) {
                curve.add(new IntermediateValue(e, 0.1 + 0.4 * quality + 0.5 * Math.exp(-e / 10.0)));
            }
            TrialState state = top == LEVELS.length - 1 ? TrialState.COMPLETE : TrialState.PAUSED;
            trials.add(new Trial(k, k, state, c, state == TrialState.COMPLETE ? List.of(curve.get(curve.size() - 1).value()) : List.of(),
                    curve, LEVELS[top], Map.of(Trial.TRAIN_SECONDS, Double.toString(LEVELS[top] * (0.5 + 10 * costs.nextDouble())))));
        }
        return trials;
    }
}
