package io.hypatia.benchmark.tabular.internal;

import io.hypatia.api.PluginProperties;
import io.hypatia.api.benchmark.Benchmark;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Registers one {@link Benchmark} service per table file under {@code <hypatia.benchmark.data>/tabular}.
 * The number of tables is only known at run time, hence registrations by hand rather than one
 * component per benchmark. Tables load lazily on first use.
 */
@Component(immediate = true)
public class TabularBenchmarkComponent {
    /** Framework property naming the folder that contains {@code tabular/} (the equivalent of ../shared/data). */
    public static final String DATA_PROPERTY = "hypatia.benchmark.data";

    private final List<ServiceRegistration<Benchmark>> registrations = new ArrayList<>();

    @Activate
    void activate(BundleContext context) {
        String data = context.getProperty(DATA_PROPERTY);
        if (data == null || data.isBlank()) {
            // No data folder configured (hypatia serve --benchmark-data DIR): nothing to offer, nothing to warn about.
            return;
        }
        Path tabular = Path.of(data).resolve("tabular").toAbsolutePath().normalize();
        List<TabularBenchmarks.TableFile> tables;
        try {
            tables = TabularBenchmarks.find(tabular);
        } catch (IOException e) {
            System.err.println("hypatia-benchmark-tabular: " + e.getMessage() + " (" + DATA_PROPERTY + "=" + data
                    + "). No tabular benchmarks registered.");
            return;
        }
        for (TabularBenchmarks.TableFile table : tables) {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(PluginProperties.NAME, table.name());
            props.put(PluginProperties.DESCRIPTION, table.family().describe(table.dataset()));
            registrations.add(context.registerService(Benchmark.class, new LazyTabularBenchmark(table), props));
        }
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
    }
}
