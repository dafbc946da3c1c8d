package io.hypatia.engine.osgi;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Keeps the framework in step with a deploy folder. Each scan computes, per bundle symbolic
 * name, the highest-version jar in the folder, then installs what is new, updates what changed
 * (a newer version or a rewritten file) and uninstalls what disappeared, and refreshes the
 * framework so no stale wiring to an old version survives.
 *
 * <p>Only names ending in {@code .jar} and not starting with a dot are read, so a jar copied in
 * under a temporary name and then renamed is never picked up half-written.
 */
public final class DeployWatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DeployWatcher.class.getName());

    private record Candidate(Path file, String symbolicName, Version version, long modified, long size) {
        boolean sameFileAs(Candidate o) {
            return file.equals(o.file) && modified == o.modified && size == o.size && version.equals(o.version);
        }
    }

    private final BundleContext context;
    private final Path dir;
    private final Map<String, Candidate> deployed = new HashMap<>();
    private final Map<String, Bundle> bundles = new HashMap<>();
    private final Set<Path> reportedBad = new HashSet<>();
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

    /** Brings the framework in line with the folder; returns true when anything changed. */
    public synchronized boolean scan() throws IOException {
        Map<String, Candidate> wanted = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(DeployWatcher::isDeployable).sorted().toList()) {
                Candidate c = read(f);
                if (c == null) {
                    continue;
                }
                Candidate best = wanted.get(c.symbolicName);
                if (best == null || c.version.compareTo(best.version) > 0) {
                    wanted.put(c.symbolicName, c);
                }
            }
        }
        List<Bundle> toStart = new ArrayList<>();
        boolean changed = false;
        for (String bsn : new ArrayList<>(deployed.keySet())) {
            if (!wanted.containsKey(bsn)) {
                Bundle b = bundles.remove(bsn);
                deployed.remove(bsn);
                try {
                    b.uninstall();
                    LOG.info("uninstalled " + bsn + " (its jar left " + dir + ")");
                } catch (BundleException | IllegalStateException e) {
                    LOG.log(Level.WARNING, "could not uninstall " + bsn, e);
                }
                changed = true;
            }
        }
        for (Candidate c : wanted.values()) {
            Candidate current = deployed.get(c.symbolicName);
            if (current != null && current.sameFileAs(c)) {
                continue;
            }
            try {
                byte[] content = Files.readAllBytes(c.file);
                Bundle b;
                if (current == null) {
                    b = context.installBundle("hypatia:deploy/" + c.symbolicName, new ByteArrayInputStream(content));
                    LOG.info("installed " + c.symbolicName + " " + c.version + " from " + c.file.getFileName());
                } else {
                    b = bundles.get(c.symbolicName);
                    b.update(new ByteArrayInputStream(content));
                    LOG.info("updated " + c.symbolicName + " " + current.version + " -> " + c.version + " from " + c.file.getFileName());
                }
                bundles.put(c.symbolicName, b);
                deployed.put(c.symbolicName, c);
                toStart.add(b);
                changed = true;
            } catch (BundleException | IOException e) {
                LOG.log(Level.WARNING, "could not install " + c.file + ": " + e.getMessage(), e);
            }
        }
        if (changed) {
            refresh();
        }
        for (Bundle b : toStart) {
            try {
                if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    b.start();
                }
            } catch (BundleException e) {
                LOG.warning("bundle " + b.getSymbolicName() + " " + b.getVersion() + " cannot start: " + e.getMessage());
            }
        }
        return changed;
    }

    private static boolean isDeployable(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".jar") && !name.startsWith(".") && Files.isRegularFile(p);
    }

    private Candidate read(Path f) {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(f))) {
            Manifest m = in.getManifest();
            String bsn = m == null ? null : m.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            if (bsn == null) {
                if (reportedBad.add(f)) {
                    LOG.warning(f.getFileName() + " in " + dir + " is not an OSGi bundle (no Bundle-SymbolicName); ignored");
                }
                return null;
            }
            Attributes a = m.getMainAttributes();
            String version = a.getValue(Constants.BUNDLE_VERSION);
            return new Candidate(f, bsn.split(";")[0].trim(), Version.parseVersion(version),
                    Files.getLastModifiedTime(f).toMillis(), Files.size(f));
        } catch (IOException | IllegalArgumentException e) {
            if (reportedBad.add(f)) {
                LOG.warning(f.getFileName() + " in " + dir + " cannot be read as a bundle: " + e.getMessage());
            }
            return null;
        }
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
