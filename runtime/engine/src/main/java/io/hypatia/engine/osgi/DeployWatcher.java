package io.hypatia.engine.osgi;

import io.hypatia.engine.PluginInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Keeps the framework in step with a deploy folder, one bundle per jar file.
 *
 * <p>A new or rewritten jar is installed <em>beside</em> what is running and started; only when
 * it resolved and started does it replace the bundle its file held before (which is then
 * uninstalled and the framework refreshed). A jar that cannot be read, resolved or started is
 * uninstalled again, the previous bundle of that file keeps serving, and the failure is logged
 * once per change of the file and listed by {@link #failures()} (ListPlugins shows them).
 * Jars of different files are different bundles, so several versions of a plugin can run at
 * once: studies take the highest version in their range. An older version of a bundle that a
 * newer one supersedes is kept only while {@link #setPinned pinned} (a study's version range
 * needs it); then it is drained: uninstalled, and its jar renamed to {@code <name>.jar.drained}.
 * Deleting a jar uninstalls its bundle.
 *
 * <p>Only names ending in {@code .jar} and not starting with a dot are read, so a jar copied in
 * under a temporary name and then renamed is never picked up half-written.
 */
public final class DeployWatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DeployWatcher.class.getName());

    /** What a jar file looked like when it was last acted on. */
    private record Stamp(long modified, long size) {
        static Stamp of(Path f) throws IOException {
            return new Stamp(Files.getLastModifiedTime(f).toMillis(), Files.size(f));
        }
    }

    private record Deployed(Stamp stamp, Bundle bundle) {
    }

    private record Failure(Stamp stamp, PluginInfo info) {
    }

    private final BundleContext context;
    private final Path dir;
    private final Map<Path, Deployed> deployed = new HashMap<>();
    private final Map<Path, Failure> failed = new ConcurrentHashMap<>();
    private volatile boolean swapping;
    private volatile Predicate<Bundle> pinned = b -> false;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hypatia-deploy-watcher");
        t.setDaemon(true);
        return t;
    });

    public DeployWatcher(BundleContext context, Path dir) {
        this.context = context;
        this.dir = dir;
    }

    /** Scans once now (so plugins present at start are there before the first request) and then every {@code pollMillis}. */
    public DeployWatcher start(long pollMillis) throws IOException {
        Files.createDirectories(dir);
        scan();
        timer.scheduleWithFixedDelay(() -> {
            try {
                scan();
            } catch (RuntimeException | IOException e) {
                LOG.log(Level.WARNING, "deploy scan of " + dir + " failed", e);
            }
        }, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Says whether a superseded bundle is still needed (a study's version range selects it). */
    public void setPinned(Predicate<Bundle> pinned) {
        this.pinned = pinned;
    }

    /** True while a scan is installing, replacing or removing bundles (a plugin may be briefly absent). */
    public boolean swapInProgress() {
        return swapping;
    }

    /** Jars that could not be read, resolved or started, with the reason (state FAILED, kind "bundle"). */
    public List<PluginInfo> failures() {
        return failed.values().stream().map(Failure::info).toList();
    }

    /** Brings the framework in line with the folder; returns true when anything changed. */
    public synchronized boolean scan() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(DeployWatcher::isDeployable).sorted().toList();
        }
        failed.keySet().retainAll(files);
        List<Path> changedFiles = new ArrayList<>();
        for (Path f : files) {
            Stamp stamp = Stamp.of(f);
            Deployed current = deployed.get(f);
            Failure failure = failed.get(f);
            if ((current == null || !current.stamp.equals(stamp)) && (failure == null || !failure.stamp.equals(stamp))) {
                changedFiles.add(f);
            }
        }
        List<Path> removed = new ArrayList<>(deployed.keySet().stream().filter(f -> !files.contains(f)).toList());
        removed.addAll(drainable(files));
        if (changedFiles.isEmpty() && removed.isEmpty()) {
            return false;
        }
        swapping = true;
        try {
            boolean refresh = false;
            for (Path f : removed) {
                if (!files.contains(f)) {
                    uninstall(deployed.remove(f).bundle, f.getFileName() + " left " + dir);
                    refresh = true;
                }
            }
            for (Path f : changedFiles) {
                refresh |= deploy(f, Stamp.of(f));
            }
            for (Path f : drainable(files)) {
                drain(f);
                refresh = true;
            }
            if (refresh) {
                refresh();
            }
            return true;
        } finally {
            swapping = false;
        }
    }

    /** Installs and starts {@code f} beside what its file held before; returns true when an old bundle went away. */
    private boolean deploy(Path f, Stamp stamp) {
        Deployed previous = deployed.get(f);
        String bsn = "?";
        String version = "";
        Bundle fresh = null;
        try {
            byte[] content = Files.readAllBytes(f);
            Manifest m;
            try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(content))) {
                m = in.getManifest();
            }
            String name = m == null ? null : m.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            if (name == null) {
                throw new BundleException("not an OSGi bundle (no Bundle-SymbolicName)");
            }
            bsn = name.split(";")[0].trim();
            version = Version.parseVersion(m.getMainAttributes().getValue(Constants.BUNDLE_VERSION)).toString();
            if (previous != null && previous.bundle.getSymbolicName().equals(bsn)
                    && previous.bundle.getVersion().toString().equals(version)) {
                // The same bundle version rebuilt: OSGi allows it only once, so it is updated in place.
                previous.bundle.update(new ByteArrayInputStream(content));
                startUnlessFragment(previous.bundle);
                deployed.put(f, new Deployed(stamp, previous.bundle));
                failed.remove(f);
                LOG.info("updated " + bsn + " " + version + " in place from " + f.getFileName()
                        + " (same version; raise the version for a side-by-side upgrade)");
                return true;
            }
            fresh = context.installBundle("hypatia:deploy/" + f.getFileName() + "#" + stamp.modified, new ByteArrayInputStream(content));
            startUnlessFragment(fresh);
        } catch (IOException | BundleException | IllegalArgumentException | IllegalStateException e) {
            if (fresh != null) {
                uninstall(fresh, "it failed to start");
            }
            String message = e.getMessage();
            failed.put(f, new Failure(stamp, new PluginInfo("bundle", f.getFileName().toString(), bsn, version, "FAILED", "",
                    List.of(), message)));
            LOG.warning(f.getFileName() + " in " + dir + " was not deployed: " + message
                    + (previous == null ? "" : "; " + previous.bundle.getSymbolicName() + " " + previous.bundle.getVersion()
                    + " keeps serving"));
            return false;
        }
        deployed.put(f, new Deployed(stamp, fresh));
        failed.remove(f);
        LOG.info("started " + bsn + " " + version + " from " + f.getFileName());
        if (previous != null) {
            uninstall(previous.bundle, "replaced by " + bsn + " " + version);
            return true;
        }
        return false;
    }

    /** Deployed files whose bundle a newer version of the same symbolic name supersedes and no study pins. */
    private List<Path> drainable(List<Path> present) {
        List<Path> out = new ArrayList<>();
        for (Map.Entry<Path, Deployed> e : deployed.entrySet()) {
            Bundle b = e.getValue().bundle;
            boolean superseded = deployed.values().stream().anyMatch(o -> o.bundle != b
                    && o.bundle.getSymbolicName().equals(b.getSymbolicName()) && o.bundle.getVersion().compareTo(b.getVersion()) > 0);
            if (superseded && present.contains(e.getKey()) && !pinned.test(b)) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    private void drain(Path f) {
        Deployed d = deployed.remove(f);
        uninstall(d.bundle, "superseded by a newer version and no study pins it");
        try {
            Files.move(f, f.resolveSibling(f.getFileName() + ".drained"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warning("could not rename drained " + f.getFileName() + ": " + e.getMessage());
        }
    }

    private static void startUnlessFragment(Bundle b) throws BundleException {
        if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
            b.start();
        }
    }

    private static void uninstall(Bundle b, String why) {
        String label = b.getSymbolicName() + " " + b.getVersion();
        try {
            b.uninstall();
            LOG.info("uninstalled " + label + " (" + why + ")");
        } catch (BundleException | IllegalStateException e) {
            LOG.log(Level.WARNING, "could not uninstall " + label, e);
        }
    }

    private static boolean isDeployable(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".jar") && !name.startsWith(".") && Files.isRegularFile(p);
    }

    /** Re-wires everything that depended on a replaced or removed bundle, and waits for it. */
    private void refresh() {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(null, event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        try {
            done.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
