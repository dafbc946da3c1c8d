package io.hypatia.launcher;

import io.hypatia.gateway.StartupException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One service per data folder: an exclusive OS lock on {@code <data-dir>/hypatia.lock}, held while
 * the service runs. Two services on one SQLite file would each keep their own view of the studies
 * and drift apart; the second one now stops at start with a message saying who holds the folder.
 * The OS drops the lock when the holder dies, even by kill -9, so a crash never leaves it stale.
 */
final class DataDirLock implements AutoCloseable {
    static final String FILE = "hypatia.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process (a second server in one JVM)
        }
        if (lock == null) {
            String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
            channel.close();
            throw new StartupException("the data folder " + dataDir.toAbsolutePath() + " is in use by another hypatia service"
                    + (holder.isEmpty() ? "" : " (" + holder + ")") + "; stop it first or choose another --data-dir");
        }
        channel.truncate(0);
        channel.write(java.nio.ByteBuffer.wrap(("pid " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
        channel.force(false);
        return new DataDirLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
