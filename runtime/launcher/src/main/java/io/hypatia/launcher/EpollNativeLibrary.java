package io.hypatia.launcher;

import io.hypatia.engine.store.AtomicFileCopy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the gRPC transport's native epoll library in a folder that {@code bin/hypatia serve} puts
 * on {@code LD_LIBRARY_PATH} (so on {@code java.library.path}). Netty first asks the JVM to load
 * the library by name from that path and only when that fails extracts it from its jar to the temp
 * folder, under a new name, on every start (10-15 ms of a restart's main-thread CPU). The folder
 * is named by the jar (bin/hypatia), so another gRPC build never loads this copy. Best effort: on
 * any problem nothing is written and Netty extracts the library as before.
 */
final class EpollNativeLibrary {
    private static final Logger LOG = Logger.getLogger(EpollNativeLibrary.class.getName());
    /** Netty's name for the library, with the prefix of gRPC's shaded copy. */
    static final String NAME = "io_grpc_netty_shaded_netty_transport_native_epoll_";

    private EpollNativeLibrary() {
    }

    /** The library's file name for this machine, or null where Netty has no epoll library. */
    static String fileName() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return null;
        }
        String arch = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64" -> "aarch_64";
            default -> null;
        };
        return arch == null ? null : System.mapLibraryName(NAME + arch);
    }

    /** Extracts the library into {@code folder} unless it is there already. */
    static void keepIn(Path folder) {
        String file = fileName();
        if (file == null) {
            return;
        }
        Path target = folder.resolve(file);
        if (Files.isRegularFile(target)) {
            return;
        }
        try (InputStream in = io.grpc.netty.shaded.io.netty.channel.epoll.Epoll.class.getClassLoader()
                .getResourceAsStream("META-INF/native/" + file)) {
            if (in == null) {
                return;
            }
            Files.createDirectories(folder);
            AtomicFileCopy.copy(in, target);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "Netty's epoll library is extracted by Netty itself", e);
        }
    }
}
