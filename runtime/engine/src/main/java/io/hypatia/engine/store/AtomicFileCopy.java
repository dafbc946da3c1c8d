package io.hypatia.engine.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file through a temp file in the same folder renamed in one step, so a process starting
 * beside the writer (several {@code serve} at once) sees the whole file or none. Used for the
 * native libraries {@code serve} keeps in its cache folder.
 */
public final class AtomicFileCopy {
    private AtomicFileCopy() {
    }

    /** Copies {@code in} to {@code target}, whose folder must exist. */
    public static void copy(InputStream in, Path target) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), "extracting-", ".tmp");
        try {
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
