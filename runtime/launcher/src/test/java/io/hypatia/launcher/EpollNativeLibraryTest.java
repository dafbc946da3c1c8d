package io.hypatia.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gRPC's epoll library kept in a folder: the jar's bytes, under the name Netty loads by, written once. */
class EpollNativeLibraryTest {
    @TempDir
    Path dir;

    @Test
    void theLibraryIsCopiedOnceUnderNettysName() throws Exception {
        String file = EpollNativeLibrary.fileName();
        assumeTrue(file != null, "no epoll library for this platform");
        Path folder = dir.resolve("epoll-1");
        EpollNativeLibrary.keepIn(folder);
        Path copy = folder.resolve(file);
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/native/" + file)) {
            assertArrayEquals(in.readAllBytes(), Files.readAllBytes(copy));
        }
        FileTime written = FileTime.fromMillis(1_000_000);
        Files.setLastModifiedTime(copy, written);
        EpollNativeLibrary.keepIn(folder); // a second start finds it and writes nothing
        assertEquals(written, Files.getLastModifiedTime(copy));
        try (var left = Files.list(folder)) {
            assertEquals(1, left.count(), "a temp file was left behind");
        }
    }
}
