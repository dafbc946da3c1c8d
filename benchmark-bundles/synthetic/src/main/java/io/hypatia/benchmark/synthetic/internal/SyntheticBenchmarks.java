package io.hypatia.benchmark.synthetic.internal;

import io.hypatia.api.PluginProperties;
import io.hypatia.api.benchmark.Benchmark;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Registers one {@link Benchmark} service per synthetic function, named by {@code hypatia.name},
 * described by {@code hypatia.description}, with any further properties the function declares
 * (the multi-objective ones add the hypervolume of their true Pareto front). One component
 * registering them all by hand (rather than a component class per function) keeps the functions
 * plain values that differ only in their formula.
 */
@Component(immediate = true)
public class SyntheticBenchmarks {
    private final List<ServiceRegistration<Benchmark>> registrations = new ArrayList<>();

    @Activate
    public SyntheticBenchmarks(BundleContext context) {
        for (OfferedBenchmark benchmark : all()) {
            Dictionary<String, Object> properties = new Hashtable<>(benchmark.serviceProperties());
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

    /** Everything this bundle offers, in registration order. */
    static List<OfferedBenchmark> all() {
        return Stream.of(singleObjective(), multiObjective(), multiFidelity())
                .<OfferedBenchmark>flatMap(List::stream).toList();
    }

    /** The single-objective textbook functions, with per-run shifts. */
    static List<SyntheticBenchmark> singleObjective() {
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

    /** ZDT1-3 with the standard 30 variables and DTLZ2 with 3 objectives and k = 10 (12 variables). */
    static List<MultiObjectiveFunction> multiObjective() {
        return List.of(Zdt.zdt1(30), Zdt.zdt2(30), Zdt.zdt3(30), new Dtlz2(3, 10));
    }

    /** Learning-curve families whose final loss follows Branin (2-D) and Hartmann 6-D. */
    static List<LearningCurves> multiFidelity() {
        return List.of(LearningCurves.branin(), LearningCurves.hartmann6());
    }
}
