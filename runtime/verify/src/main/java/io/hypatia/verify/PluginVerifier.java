package io.hypatia.verify;

import io.hypatia.api.PluginProperties;
import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.engine.osgi.FelixHost;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/**
 * The conformance kit. {@link #verify} starts a scratch OSGi framework that exports the plugin
 * API exactly as the service does, installs and starts the given jars (a jar that cannot
 * resolve, e.g. built against a newer API, fails here with the resolver's message), and
 * exercises every sampler, scheduler and benchmark service they register.
 *
 * <p>From a vendor's JUnit test:
 * <pre>{@code
 * Report report = PluginVerifier.verify(List.of(Path.of("target/my-sampler-1.0.0.jar")));
 * assertTrue(report.passed(), report.table());
 * }</pre>
 */
public final class PluginVerifier {
    /** A plugin call running longer fails the check: the service's default sampler time limit. */
    public static final long DEFAULT_CALL_TIMEOUT_MILLIS = 30_000;
    /** The framework property through which the service hands benchmark bundles their data folder. */
    public static final String BENCHMARK_DATA_PROPERTY = "hypatia.benchmark.data";
    private static final String[] SERVICE_CLASSES = {Sampler.class.getName(), Scheduler.class.getName(), Benchmark.class.getName()};

    /**
     * @param systemBundles   the bundles the service always runs (Declarative Services and its
     *                        dependencies, commons-math3); {@link #classPathSystemBundles()} finds them
     * @param callTimeoutMillis a plugin call running longer fails the check (the service's default
     *                        sampler time limit is 30 s)
     * @param longHistory     trials in the long histories samplers are asked about
     * @param waitMillis      how long to wait for a started bundle's Declarative Services components
     * @param benchmarkData   the benchmark data folder handed to the plugins as the framework property
     *                        {@code hypatia.benchmark.data}, as {@code hypatia serve --benchmark-data}
     *                        does (benchmarks built on data sets register only with it); null for none
     */
    public record Options(List<Path> systemBundles, long callTimeoutMillis, int longHistory, long waitMillis, Path benchmarkData) {
        /** The system bundles from this class path, the service's sampler time limit, 120-trial histories. */
        public static Options defaults() {
            return forSystemBundles(classPathSystemBundles());
        }

        public static Options forSystemBundles(List<Path> jars) {
            return new Options(jars, DEFAULT_CALL_TIMEOUT_MILLIS, 120, 5_000, null);
        }

        public Options withCallTimeout(long millis) {
            return new Options(systemBundles, millis, longHistory, waitMillis, benchmarkData);
        }

        public Options withSystemBundles(List<Path> jars) {
            return new Options(jars, callTimeoutMillis, longHistory, waitMillis, benchmarkData);
        }

        public Options withBenchmarkData(Path folder) {
            return new Options(systemBundles, callTimeoutMillis, longHistory, waitMillis, folder);
        }

        Map<String, String> frameworkProperties() {
            return benchmarkData == null ? Map.of() : Map.of(BENCHMARK_DATA_PROPERTY, benchmarkData.toAbsolutePath().toString());
        }
    }

    private PluginVerifier() {
    }

    public static Report verify(List<Path> jars) {
        return verify(jars, Options.defaults());
    }

    public static Report verify(List<Path> jars, Options options) {
        Report report = new Report();
        Path storage = null;
        FelixHost host = null;
        try (Calls calls = new Calls(options.callTimeoutMillis())) {
            storage = Files.createTempDirectory("hypatia-verify");
            host = FelixHost.start(storage, options.systemBundles(), options.frameworkProperties());
            // All jars are installed before any starts, so a plugin and a library it needs
            // (given in any order) resolve together, as in the deploy folder.
            List<Bundle> installed = new ArrayList<>();
            for (Path jar : jars) {
                installed.add(install(host.context(), jar, report));
            }
            for (Bundle bundle : installed) {
                if (bundle != null) {
                    verifyBundle(host.context(), bundle, options, report, calls);
                }
            }
        } catch (IOException | BundleException e) {
            report.add("(framework)", "start", false, "the scratch framework did not start: " + e.getMessage());
        } finally {
            if (host != null) {
                try {
                    host.close();
                } catch (Exception ignored) {
                    // a plugin thread may still hang; the framework is scratch
                }
            }
            deleteQuietly(storage);
        }
        return report;
    }

    private static Bundle install(BundleContext context, Path jar, Report report) {
        String label = jar.getFileName().toString();
        try {
            if (symbolicName(jar) == null) {
                report.add(label, "bundle", false, "not an OSGi bundle (no Bundle-SymbolicName); build it with bnd");
                return null;
            }
            try (InputStream in = Files.newInputStream(jar)) {
                return context.installBundle("verify:" + jar.toAbsolutePath(), in);
            }
        } catch (IOException | BundleException e) {
            report.add(label, "install", false, e.getMessage());
            return null;
        }
    }

    private static void verifyBundle(BundleContext context, Bundle bundle, Options options, Report report, Calls calls) {
        String label = bundle.getSymbolicName() + " " + bundle.getVersion();
        if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
            report.add(label, "resolve", true, "a fragment; checked with its host");
            return;
        }
        try {
            bundle.start();
        } catch (BundleException e) {
            report.add(label, "resolve", false, e.getMessage());
            return;
        }
        report.add(label, "resolve", true, "resolved against the runtime's API exports and started");
        if (bundle.getHeaders().get("Service-Component") == null && bundle.getHeaders().get(Constants.BUNDLE_ACTIVATOR) == null) {
            report.add(label, "services", true, "a library (no components): nothing to exercise");
            return;
        }
        List<ServiceReference<?>> refs = awaitServices(bundle, options.waitMillis());
        if (refs.isEmpty()) {
            report.add(label, "services", false, "registers no Sampler, Scheduler or Benchmark service"
                    + " (is the component annotated with @Component(service = ...) and the jar built with bnd?"
                    + (options.benchmarkData() == null ? " A benchmark built on a data set registers only when given"
                    + " its data folder: --benchmark-data DIR)" : ")"));
            return;
        }
        for (ServiceReference<?> first : refs) {
            // Checking one service may restart the bundle, so each is looked up again when its turn comes.
            String kind = kindOf(first);
            Object name = first.getProperty(PluginProperties.NAME);
            ServiceReference<?> ref = awaitServices(bundle, options.waitMillis()).stream()
                    .filter(r -> kind.equals(kindOf(r)) && java.util.Objects.equals(name, r.getProperty(PluginProperties.NAME)))
                    .findFirst().orElse(first);
            verifyService(context, bundle, ref, options, report, calls);
        }
    }

    private static void verifyService(BundleContext context, Bundle bundle, ServiceReference<?> ref, Options options,
                                      Report report, Calls calls) {
        String kind = kindOf(ref);
        Object name = ref.getProperty(PluginProperties.NAME);
        String plugin = kind + " " + name + " (" + bundle.getSymbolicName() + " " + bundle.getVersion() + ")";
        if (!(name instanceof String n) || n.isBlank()) {
            report.add(plugin, "registered", false, "the service has no " + PluginProperties.NAME + " property");
            return;
        }
        Object service = context.getService(ref);
        if (service == null) {
            report.add(plugin, "activate", false, "the service could not be created: its constructor or activate"
                    + " method threw (see the log above)");
            return;
        }
        report.add(plugin, "activate", true, service.getClass().getName());
        // Each plugin's calls are timed on their own.
        try (Calls own = new Calls(options.callTimeoutMillis())) {
            switch (kind) {
                case "sampler" -> SamplerChecks.run(plugin, freshSamplers(context, bundle, n, (Sampler) service, options),
                        report, own, options.longHistory());
                case "scheduler" -> SchedulerChecks.run(plugin, (Scheduler) service, report, own);
                default -> BenchmarkChecks.run(plugin, n, (Benchmark) service, report, own);
            }
        }
    }

    /** The running sampler first, then a new instance per call: its bundle is restarted, as in a service restart. */
    private static Supplier<Sampler> freshSamplers(BundleContext context, Bundle bundle, String name, Sampler first,
                                                   Options options) {
        return new Supplier<>() {
            private boolean used;

            @Override
            public Sampler get() {
                if (!used) {
                    used = true;
                    return first;
                }
                try {
                    bundle.stop();
                    bundle.start();
                } catch (BundleException e) {
                    throw new IllegalStateException("restarting " + bundle.getSymbolicName() + " failed: " + e.getMessage(), e);
                }
                for (ServiceReference<?> ref : awaitServices(bundle, options.waitMillis())) {
                    if (ref.getProperty(PluginProperties.NAME).equals(name) && context.getService(ref) instanceof Sampler s) {
                        return s;
                    }
                }
                throw new IllegalStateException("sampler " + name + " did not come back after a restart of its bundle");
            }
        };
    }

    /** The plugin services {@code bundle} registers, waiting (bounded) for Declarative Services to register them. */
    private static List<ServiceReference<?>> awaitServices(Bundle bundle, long waitMillis) {
        long deadline = System.nanoTime() + waitMillis * 1_000_000;
        while (true) {
            List<ServiceReference<?>> found = new ArrayList<>();
            ServiceReference<?>[] registered = bundle.getRegisteredServices();
            if (registered != null) {
                for (ServiceReference<?> ref : registered) {
                    if (kindOf(ref) != null) {
                        found.add(ref);
                    }
                }
            }
            if (!found.isEmpty() || System.nanoTime() > deadline || bundle.getState() != Bundle.ACTIVE) {
                found.sort(Comparator.comparing(PluginVerifier::kindOf).thenComparing(r -> String.valueOf(r.getProperty(PluginProperties.NAME))));
                return found;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return found;
            }
        }
    }

    private static String kindOf(ServiceReference<?> ref) {
        String[] classes = (String[]) ref.getProperty(Constants.OBJECTCLASS);
        for (String c : classes) {
            if (c.equals(SERVICE_CLASSES[0])) {
                return "sampler";
            }
            if (c.equals(SERVICE_CLASSES[1])) {
                return "scheduler";
            }
            if (c.equals(SERVICE_CLASSES[2])) {
                return "benchmark";
            }
        }
        return null;
    }

    private static String symbolicName(Path jar) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest m = in.getManifest();
            return m == null ? null : m.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
        }
    }

    /**
     * The jars of Declarative Services (Felix SCR and the OSGi packages it needs) and
     * commons-math3 on this class path: the bundles the service's {@code system/} folder holds.
     */
    public static List<Path> classPathSystemBundles() {
        List<Path> out = new ArrayList<>();
        for (String className : List.of("org.osgi.util.function.Function", "org.osgi.util.promise.Promise",
                "org.osgi.service.component.ComponentConstants", "org.apache.felix.scr.impl.Activator",
                "org.apache.commons.math3.util.FastMath")) {
            try {
                Class<?> c = Class.forName(className, false, PluginVerifier.class.getClassLoader());
                out.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()));
            } catch (ClassNotFoundException | URISyntaxException e) {
                throw new IllegalStateException(className + " is not on the class path; the verifier needs it as a system bundle", e);
            }
        }
        return out;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder; the OS cleans it eventually
        }
    }

    /** {@code java -cp ... io.hypatia.verify.PluginVerifier JAR...}: prints the table, exits 1 on failure. */
    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: PluginVerifier JAR...");
            System.exit(2);
        }
        Report report = verify(Stream.of(args).map(Path::of).toList());
        System.out.print(report.table());
        System.exit(report.passed() ? 0 : 1);
    }
}
