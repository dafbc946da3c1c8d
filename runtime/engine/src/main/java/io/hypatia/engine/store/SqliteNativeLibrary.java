package io.hypatia.engine.store;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.CRC32;

/**
 * Keeps the SQLite driver's native library extracted in a cache folder across starts. Left to
 * itself, the driver lists the temp folder for stale copies, runs {@code uname} to tell Android
 * from Linux, and extracts and byte-compares its library on every start: about a tenth of a
 * restart's main-thread CPU. Given a folder, the library is extracted there once (named by the
 * driver jar, so a new driver gets a new copy) and the driver loads it from there. Best effort:
 * on any problem nothing is set and the driver does as before (it also falls back to its own
 * extraction when the copy named here cannot be loaded).
 */
public final class SqliteNativeLibrary {
    private static final Logger LOG = Logger.getLogger(SqliteNativeLibrary.class.getName());

    private SqliteNativeLibrary() {
    }

    /** Points the SQLite driver at a copy of its native library in {@code cacheDir}, extracting it there when missing. */
    public static void useCache(Path cacheDir) {
        if (System.getProperty("org.sqlite.lib.path") != null) {
            return; // the operator chose a library
        }
        try {
            Path jar = Path.of(org.sqlite.JDBC.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(jar)) {
                return; // classes folder (a build, not an installation)
            }
            // Named by the driver jar (path, size and time) and the platform: a copy is never reused for another driver.
            CRC32 key = new CRC32();
            key.update((jar.toAbsolutePath() + " " + Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis()
                    + " " + System.getProperty("os.name") + " " + System.getProperty("os.arch")).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Path dir = Files.createDirectories(cacheDir.resolve("sqlite"));
            String name = "hypatia-" + Long.toHexString(key.getValue()) + "-" + System.mapLibraryName("sqlitejdbc");
            Path library = dir.resolve(name);
            if (!Files.isRegularFile(library)) {
                extract(library);
            }
            System.setProperty("org.sqlite.lib.path", dir.toString());
            System.setProperty("org.sqlite.lib.name", name);
            // Where the driver looks for stale copies of its own: this small folder, not the shared temp folder.
            System.setProperty("org.sqlite.tmpdir", dir.toString());
        } catch (IOException | URISyntaxException | RuntimeException | LinkageError e) {
            LOG.log(Level.FINE, "SQLite's native library is extracted by the driver itself", e);
        }
    }

    /** Copies the driver's library for this platform to {@code target}, through a temp file renamed in one step. */
    private static void extract(Path target) throws IOException {
        // "/org/sqlite/native/<os>/<arch>/libsqlitejdbc.so", as the driver itself finds it.
        String resource = org.sqlite.util.LibraryLoaderUtil.getNativeLibResourcePath() + "/"
                + org.sqlite.util.LibraryLoaderUtil.getNativeLibName();
        try (InputStream in = org.sqlite.JDBC.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no " + resource + " in the SQLite driver");
            }
            AtomicFileCopy.copy(in, target);
        }
    }
}
