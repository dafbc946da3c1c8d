package io.hypatia.engine.osgi;

import io.hypatia.api.PluginProperties;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * Embeds an OSGi framework (Felix, found through ServiceLoader). The plugin API lives on the
 * class path and is exported into the framework by the system bundle, so plugins and the engine
 * share one copy of its classes; gRPC, the store and the engine stay outside the framework.
 */
public final class FelixHost implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(FelixHost.class.getName());

    private final Framework framework;

    private FelixHost(Framework framework) {
        this.framework = framework;
    }

    /**
     * Starts a framework whose bundle cache lives in {@code storageDir} (wiped at start: the
     * deploy folder is the source of truth) and installs and starts every jar in
     * {@code systemBundleDir} (Declarative Services and the libraries plugins share).
     */
    public static FelixHost start(Path storageDir, Path systemBundleDir, Map<String, String> properties)
            throws IOException, BundleException {
        if (systemBundleDir == null || !Files.isDirectory(systemBundleDir)) {
            throw new IOException("system bundle folder " + systemBundleDir + " is missing; it must hold the Declarative Services bundles");
        }
        try (Stream<Path> jars = Files.list(systemBundleDir)) {
            return start(storageDir, jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList(), properties);
        }
    }

    /** As above, with the system bundles given as a list of jars (e.g. found on a test's class path). */
    public static FelixHost start(Path storageDir, List<Path> systemBundles, Map<String, String> properties)
            throws IOException, BundleException {
        Map<String, String> config = new HashMap<>(properties);
        config.put(Constants.FRAMEWORK_STORAGE, storageDir.toAbsolutePath().toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, apiExportHeader());
        config.putIfAbsent("felix.log.level", "1");
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        Framework framework = factory.newFramework(config);
        framework.start();
        FelixHost host = new FelixHost(framework);
        host.installSystemBundles(systemBundles);
        return host;
    }

    public BundleContext context() {
        return framework.getBundleContext();
    }

    private void installSystemBundles(List<Path> jars) throws IOException, BundleException {
        List<Bundle> installed = new ArrayList<>();
        for (Path jar : jars) {
            try (InputStream in = Files.newInputStream(jar)) {
                installed.add(context().installBundle("hypatia:system/" + jar.getFileName(), in));
            }
        }
        for (Bundle b : installed) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                b.start();
            }
        }
        LOG.fine(() -> "started " + installed.size() + " system bundles");
    }

    /** The embedded framework (for tools that inspect or drive it directly). */
    public Framework framework() {
        return framework;
    }

    /** The Export-Package header of the API jar (or classes folder) on the class path. */
    public static String apiExportHeader() throws IOException {
        Path location;
        try {
            location = Path.of(PluginProperties.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        Manifest manifest;
        if (Files.isDirectory(location)) {
            try (InputStream in = Files.newInputStream(location.resolve("META-INF/MANIFEST.MF"))) {
                manifest = new Manifest(in);
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                manifest = jar.getManifest();
            }
        }
        String exports = manifest.getMainAttributes().getValue(Constants.EXPORT_PACKAGE);
        if (exports == null) {
            throw new IOException("the API at " + location + " has no Export-Package header; was it built with bnd?");
        }
        return exports;
    }

    @Override
    public void close() throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
    }
}
