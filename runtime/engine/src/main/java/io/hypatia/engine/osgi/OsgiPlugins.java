package io.hypatia.engine.osgi;

import io.hypatia.api.Configurable;
import io.hypatia.api.PluginProperties;
import io.hypatia.api.Setting;
import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.engine.EngineException;
import io.hypatia.engine.PluginInfo;
import io.hypatia.engine.Plugins;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Finds plugin services in the OSGi service registry. Lookups are made on every call, so a
 * bundle that was replaced a moment ago is served by its new version on the very next ask.
 * Among several services of one name, the highest bundle version in the requested range wins.
 */
public final class OsgiPlugins implements Plugins, AutoCloseable {
    private final ServiceTracker<Sampler, Sampler> samplers;
    private final ServiceTracker<Scheduler, Scheduler> schedulers;
    private final ServiceTracker<Benchmark, Benchmark> benchmarks;

    private volatile DeployWatcher watcher;
    /**
     * The last resolution of each (tracker, name, range), valid while the tracker's tracking count
     * is unchanged: every plugin call resolves its plugin (so a hot swap takes effect at the next
     * call), and copying the tracked services for each one cost a tenth of a simulated benchmark run.
     */
    private final Map<Lookup, Resolution> resolutions = new ConcurrentHashMap<>();

    private record Lookup(ServiceTracker<?, ?> tracker, String name, String versionRange) {
    }

    private record Resolution(int trackingCount, Optional<? extends Resolved<?>> result) {
    }

    /** Lists the watcher's failed jars with the plugins, and lets asks know when a swap is in progress. */
    public void watch(DeployWatcher deployWatcher) {
        this.watcher = deployWatcher;
    }

    @Override
    public List<PluginInfo> install(String fileName, byte[] jar) {
        DeployWatcher w = requireWatcher();
        try {
            Bundle b = w.install(fileName, jar);
            return list().stream().filter(p -> p.bundle().equals(b.getSymbolicName()) && p.version().equals(b.getVersion().toString())
                    && !p.state().equals("FAILED")).toList();
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid("file_name", e.getMessage());
        } catch (org.osgi.framework.BundleException e) {
            throw EngineException.precondition("jar", e.getMessage());
        } catch (java.io.IOException e) {
            throw new EngineException(EngineException.Code.UNAVAILABLE, null, "could not write the jar: " + e.getMessage());
        }
    }

    @Override
    public void uninstall(String fileName) {
        DeployWatcher w = requireWatcher();
        try {
            if (!w.uninstall(fileName)) {
                throw EngineException.notFound("file_name", "no plugin jar '" + fileName + "' is deployed");
            }
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid("file_name", e.getMessage());
        } catch (java.io.IOException e) {
            throw new EngineException(EngineException.Code.UNAVAILABLE, null, "could not delete the jar: " + e.getMessage());
        }
    }

    @Override
    public List<PluginInfo> jars() {
        DeployWatcher w = watcher;
        return w == null ? List.of() : w.jars();
    }

    private DeployWatcher requireWatcher() {
        DeployWatcher w = watcher;
        if (w == null) {
            throw EngineException.precondition(null, "this service has no deploy folder");
        }
        return w;
    }

    @Override
    public boolean swapInProgress() {
        DeployWatcher w = watcher;
        return w != null && w.swapInProgress();
    }

    public OsgiPlugins(BundleContext context) {
        samplers = new ServiceTracker<>(context, Sampler.class, null);
        schedulers = new ServiceTracker<>(context, Scheduler.class, null);
        benchmarks = new ServiceTracker<>(context, Benchmark.class, null);
        samplers.open();
        schedulers.open();
        benchmarks.open();
    }

    @Override
    public Optional<Resolved<Sampler>> sampler(String name, String versionRange) {
        return find(samplers, name, versionRange);
    }

    @Override
    public Optional<Resolved<Scheduler>> scheduler(String name, String versionRange) {
        return find(schedulers, name, versionRange);
    }

    @Override
    public Optional<Resolved<Benchmark>> benchmark(String name, String versionRange) {
        return find(benchmarks, name, versionRange);
    }

    @SuppressWarnings("unchecked")
    private <T> Optional<Resolved<T>> find(ServiceTracker<T, T> tracker, String name, String versionRange) {
        // Read the count before resolving: a change during the resolution makes the entry stale at once.
        int count = tracker.getTrackingCount();
        Lookup key = new Lookup(tracker, name, versionRange == null ? "" : versionRange);
        Resolution cached = resolutions.get(key);
        if (cached != null && cached.trackingCount() == count && count >= 0) {
            return (Optional<Resolved<T>>) cached.result();
        }
        Optional<Resolved<T>> found = resolve(tracker, name, versionRange);
        resolutions.put(key, new Resolution(count, found));
        return found;
    }

    private static <T> Optional<Resolved<T>> resolve(ServiceTracker<T, T> tracker, String name, String versionRange) {
        VersionRange range = versionRange == null || versionRange.isBlank() ? null : VersionRange.valueOf(versionRange);
        Map<ServiceReference<T>, T> tracked = tracker.getTracked();
        return tracked.entrySet().stream()
                .filter(e -> name.equals(e.getKey().getProperty(PluginProperties.NAME)))
                .filter(e -> range == null || range.includes(version(e.getKey())))
                .max(Comparator.comparing((Map.Entry<ServiceReference<T>, T> e) -> version(e.getKey()))
                        .thenComparing(Map.Entry::getKey))
                .map(e -> new Resolved<>(e.getValue(), label(e.getKey())));
    }

    private static Version version(ServiceReference<?> ref) {
        Bundle b = ref.getBundle();
        return b == null ? Version.emptyVersion : b.getVersion();
    }

    private static String label(ServiceReference<?> ref) {
        Bundle b = ref.getBundle();
        return b == null ? "unregistered" : b.getSymbolicName() + "@" + b.getVersion();
    }

    @Override
    public List<PluginInfo> list() {
        List<PluginInfo> out = new ArrayList<>();
        add(out, "sampler", samplers);
        add(out, "scheduler", schedulers);
        add(out, "benchmark", benchmarks);
        DeployWatcher w = watcher;
        if (w != null) {
            out.addAll(w.failures());
        }
        out.sort(Comparator.comparing(PluginInfo::kind).thenComparing(PluginInfo::name).thenComparing(PluginInfo::version));
        return out;
    }

    private static <T> void add(List<PluginInfo> out, String kind, ServiceTracker<T, T> tracker) {
        for (ServiceReference<T> ref : tracker.getTracked().keySet()) {
            Bundle b = ref.getBundle();
            if (b == null) {
                continue;
            }
            Object description = ref.getProperty(PluginProperties.DESCRIPTION);
            T service = tracker.getService(ref);
            List<Setting> settings = service instanceof Configurable c ? c.settings().declared() : List.of();
            out.add(new PluginInfo(kind, String.valueOf(ref.getProperty(PluginProperties.NAME)), b.getSymbolicName(),
                    b.getVersion().toString(), stateName(b.getState()), description == null ? "" : description.toString(),
                    settings, ""));
        }
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            default -> "UNINSTALLED";
        };
    }

    @Override
    public void close() {
        samplers.close();
        schedulers.close();
        benchmarks.close();
    }
}
