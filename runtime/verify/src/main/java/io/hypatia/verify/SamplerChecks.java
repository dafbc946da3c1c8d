package io.hypatia.verify;

import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The sampler contract, checked on the {@link Battery}: valid suggestions, the same suggestion
 * for the same study and seed, the same again from a fresh instance asked about the studies in
 * another order with a rebuilt history (no state across studies or restarts), the same under
 * concurrent calls for several studies, and every call within the time limit.
 */
final class SamplerChecks {
    /** Trial numbers asked per scenario: the next one, and one further on. */
    private static final int[] OFFSETS = {0, 1, 5};

    private SamplerChecks() {
    }

    private record Ask(Battery.Scenario scenario, int number, String study) {
        SamplerContext context(boolean rebuilt) {
            return new SamplerContext(study, scenario.space(), scenario.objectives(),
                    rebuilt ? Battery.rebuilt(scenario.trials()) : scenario.trials(), number, scenario.seed(), Map.of());
        }
    }

    /**
     * @param fresh gives a new instance of the sampler, as after a restart of its bundle
     */
    static void run(String plugin, Supplier<Sampler> fresh, Report report, Calls calls, int longHistory) {
        List<Ask> asks = new ArrayList<>();
        for (Battery.Scenario s : Battery.scenarios(longHistory)) {
            for (int offset : OFFSETS) {
                asks.add(new Ask(s, s.trials().size() + offset, "verify-" + s.name()));
            }
        }
        // 1. valid suggestions on every scenario, and how long they take
        Sampler sampler = fresh.get();
        List<Config> reference = new ArrayList<>();
        for (int i = 0; i < asks.size(); i++) {
            Ask a = asks.get(i);
            Config c;
            try {
                c = calls.call(() -> sampler.suggest(a.context(false)));
            } catch (Calls.Hung e) {
                report.add(plugin, "valid", false, a.scenario.name() + " #" + a.number + ": " + e.getMessage());
                report.add(plugin, "time", false, "a call hung; remaining checks skipped");
                return;
            } catch (Exception e) {
                report.add(plugin, "valid", false, "call " + (i + 1) + " of " + asks.size() + " (" + a.scenario.name()
                        + " #" + a.number + ") threw " + e);
                return;
            }
            String problem = invalid(a, c);
            if (problem != null) {
                report.add(plugin, "valid", false, a.scenario.name() + " #" + a.number + ": " + problem);
                return;
            }
            reference.add(c);
        }
        report.add(plugin, "valid", true, asks.size() + " suggestions on " + Battery.scenarios(longHistory).size()
                + " studies (all parameter kinds, conditionals, 1-2 objectives, constraints, failed/pruned/running trials)");

        // 2. the same context twice gives the same suggestion
        String repeat = compare(asks, reference, i -> sampler, false, calls, false);
        report.add(plugin, "deterministic", repeat == null, repeat == null ? "same context, same suggestion" : repeat);

        // 3. a fresh instance, studies in reverse order, histories rebuilt: still the same
        Sampler restarted = fresh.get();
        String restart = compare(asks, reference, i -> restarted, true, calls, true);
        report.add(plugin, "restart-stable", restart == null, restart == null
                ? "a fresh instance, asked in another order from rebuilt histories, repeats every suggestion" : restart);

        // 4. several studies at once
        String concurrent = concurrently(asks, reference, sampler, calls);
        report.add(plugin, "concurrent", concurrent == null, concurrent == null
                ? "4 threads over " + asks.size() + " studies/trials agree with the sequential answers" : concurrent);

        report.add(plugin, "time", true, calls.timing());
    }

    private static String invalid(Ask a, Config c) {
        if (c == null) {
            return "returned no configuration";
        }
        try {
            a.scenario.space().validate(c);
            return null;
        } catch (RuntimeException e) {
            return "invalid configuration " + c + ": " + e.getMessage();
        }
    }

    private interface Pick {
        Sampler of(int index);
    }

    private static String compare(List<Ask> asks, List<Config> reference, Pick pick, boolean rebuilt, Calls calls,
                                  boolean reverse) {
        for (int k = 0; k < asks.size(); k++) {
            int i = reverse ? asks.size() - 1 - k : k;
            Ask a = asks.get(i);
            try {
                Sampler s = pick.of(i);
                Config c = calls.call(() -> s.suggest(a.context(rebuilt)));
                if (!reference.get(i).equals(c)) {
                    return a.scenario.name() + " #" + a.number + ": " + reference.get(i) + " first, then " + c;
                }
            } catch (Exception e) {
                return a.scenario.name() + " #" + a.number + " threw " + e;
            }
        }
        return null;
    }

    private static String concurrently(List<Ask> asks, List<Config> reference, Sampler sampler, Calls calls) {
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "hypatia-verify-study");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < asks.size(); i++) {
                    int index = i;
                    Callable<String> task = () -> {
                        Ask a = asks.get(index);
                        Config c = calls.call(() -> sampler.suggest(a.context(false)));
                        return reference.get(index).equals(c) ? null
                                : a.scenario.name() + " #" + a.number + ": " + reference.get(index) + " alone, " + c + " concurrently";
                    };
                    results.add(pool.submit(task));
                }
            }
            for (Future<String> f : results) {
                try {
                    String problem = f.get();
                    if (problem != null) {
                        return problem;
                    }
                } catch (Exception e) {
                    return "a concurrent call failed: " + (e.getCause() == null ? e : e.getCause());
                }
            }
            return null;
        } finally {
            pool.shutdownNow();
        }
    }
}
