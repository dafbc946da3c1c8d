package io.hypatia.benchmark.yahpo.internal;

import io.hypatia.api.PluginProperties;
import io.hypatia.api.benchmark.Benchmark;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Registers the YAHPO benchmarks found in the YAHPO data directory: per scenario one service for
 * its default (first) instance, {@code yahpo-<scenario>}; for lcbench also one per OpenML task,
 * {@code yahpo-lcbench-<task>}; and any further instances listed in the framework property
 * {@value #INSTANCES_PROPERTY}. Each scenario's ONNX model loads on the first evaluation and is
 * shared by all its services; the services are closed when the bundle stops.
 */
@Component(immediate = true)
public class YahpoBenchmarkComponent {
    /** Framework property naming the folder that contains {@code yahpo/} (the equivalent of ../shared/data). */
    public static final String DATA_PROPERTY = "hypatia.benchmark.data";
    /** Framework property naming a YAHPO data directory directly (e.g. a yahpo_data checkout); wins over {@value #DATA_PROPERTY}. */
    public static final String YAHPO_PROPERTY = "hypatia.benchmark.yahpo";
    /**
     * Framework property listing further instances to register, comma- or space-separated
     * {@code <scenario>:<instance>} pairs, {@code <scenario>:*} for all of a scenario's instances,
     * e.g. {@code rbv2_xgboost:12,rbv2_xgboost:1501,iaml_glmnet:*}.
     */
    public static final String INSTANCES_PROPERTY = "hypatia.benchmark.yahpo.instances";

    private static final String LOG = "hypatia-benchmark-yahpo: ";

    private final List<ServiceRegistration<Benchmark>> registrations = new ArrayList<>();
    private final List<YahpoScenario> scenarios = new ArrayList<>();

    @Activate
    void activate(BundleContext context) {
        Path dir = yahpoDir(context.getProperty(YAHPO_PROPERTY), context.getProperty(DATA_PROPERTY));
        if (dir == null) {
            // No data folder configured (hypatia serve --benchmark-data DIR): nothing to offer, nothing
            // to warn about, as with the tabular benchmarks; a configured but missing folder is reported.
            return;
        }
        Map<Scenario, YahpoScenario> open = new LinkedHashMap<>();
        try {
            for (Scenario s : YahpoBenchmarks.find(dir)) {
                try {
                    open.put(s, YahpoBenchmarks.open(dir, s));
                } catch (IOException | RuntimeException e) {
                    System.err.println(LOG + "skipping scenario " + s.id() + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            System.err.println(LOG + e.getMessage() + ". No YAHPO benchmarks registered.");
            return;
        }
        scenarios.addAll(open.values());
        for (Map.Entry<YahpoScenario, Set<String>> e : selectInstances(open, context.getProperty(INSTANCES_PROPERTY)).entrySet()) {
            YahpoScenario scenario = e.getKey();
            register(context, scenario.defaultBenchmark());
            for (String instance : e.getValue()) {
                register(context, scenario.benchmark(instance));
            }
        }
    }

    private void register(BundleContext context, YahpoBenchmark b) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(PluginProperties.NAME, b.name());
        props.put(PluginProperties.DESCRIPTION, b.scenario().scenario().describe(b.instance()));
        registrations.add(context.registerService(Benchmark.class, b, props));
    }

    /** The YAHPO data directory: {@code yahpoProperty} if set, else {@code <dataProperty>/yahpo}, else null. */
    static Path yahpoDir(String yahpoProperty, String dataProperty) {
        if (yahpoProperty != null && !yahpoProperty.isBlank()) {
            return Path.of(yahpoProperty.trim()).toAbsolutePath().normalize();
        }
        if (dataProperty != null && !dataProperty.isBlank()) {
            return Path.of(dataProperty.trim()).resolve("yahpo").toAbsolutePath().normalize();
        }
        return null;
    }

    /**
     * Per scenario, the instances registered under their own name: all of lcbench, plus those the
     * property lists. Unknown scenarios or instances in the property are reported and skipped.
     */
    static Map<YahpoScenario, Set<String>> selectInstances(Map<Scenario, YahpoScenario> open, String property) {
        Map<YahpoScenario, Set<String>> out = new LinkedHashMap<>();
        for (YahpoScenario s : open.values()) {
            out.put(s, new LinkedHashSet<>(s.scenario() == Scenario.LCBENCH ? s.instances() : List.of()));
        }
        if (property == null || property.isBlank()) {
            return out;
        }
        for (String item : property.trim().split("[,\\s]+")) {
            int colon = item.indexOf(':');
            Scenario scenario = colon < 0 ? null : Scenario.byId(item.substring(0, colon)).orElse(null);
            YahpoScenario s = scenario == null ? null : open.get(scenario);
            if (s == null) {
                System.err.println(LOG + INSTANCES_PROPERTY + ": '" + item + "' is not <scenario>:<instance> with a scenario of "
                        + open.keySet().stream().map(Scenario::id).toList() + "; skipped");
                continue;
            }
            String instance = item.substring(colon + 1);
            if (instance.equals("*")) {
                out.get(s).addAll(s.instances());
            } else if (s.instances().contains(instance)) {
                out.get(s).add(instance);
            } else {
                System.err.println(LOG + INSTANCES_PROPERTY + ": " + scenario.id() + " has no instance '" + instance + "'; skipped");
            }
        }
        return out;
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<Benchmark> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters a stopping bundle's services itself
            }
        }
        registrations.clear();
        for (YahpoScenario s : scenarios) {
            s.close();
        }
        scenarios.clear();
    }
}
