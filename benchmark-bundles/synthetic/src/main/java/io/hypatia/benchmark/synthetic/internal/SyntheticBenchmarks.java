package io.hypatia.benchmark.synthetic.internal;

import io.hypatia.api.PluginProperties;
import io.hypatia.api.benchmark.Benchmark;
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
 * Registers one {@link Benchmark} service per synthetic function, named by {@code hypatia.name}.
 * One component registering them all by hand (rather than a component class per function) keeps
 * the functions plain values that differ only in their formula.
 */
@Component(immediate = true)
public class SyntheticBenchmarks {
    private final List<ServiceRegistration<Benchmark>> registrations = new ArrayList<>();

    @Activate
    public SyntheticBenchmarks(BundleContext context) {
        for (SyntheticBenchmark benchmark : all()) {
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put(PluginProperties.NAME, benchmark.name());
            properties.put(PluginProperties.DESCRIPTION, benchmark.description());
            registrations.add(context.registerService(Benchmark.class, benchmark, properties));
        }
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<Benchmark> registration : registrations) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters a stopping bundle's services itself
            }
        }
        registrations.clear();
    }

    /** The textbook functions this bundle offers, in registration order. */
    static List<SyntheticBenchmark> all() {
        return List.of(
                TextbookFunctions.branin(),
                TextbookFunctions.hartmann3(),
                TextbookFunctions.hartmann6(),
                TextbookFunctions.rosenbrock(10),
                TextbookFunctions.rosenbrock(20),
                TextbookFunctions.ackley(10),
                TextbookFunctions.levy(10),
                TextbookFunctions.styblinskiTang(10),
                new MixedIntCatFunction());
    }
}
