package io.hypatia.engine.store;

import io.hypatia.engine.store.Store.CommitListener;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * When the embedded store's writer may acknowledge a batch it has committed: at once (fsync off,
 * or a store in memory), or once the write-ahead log is synced, either on a syncer thread of its
 * own while the writer commits the next batch (the default) or by the writer right after the
 * commit ({@code -Dhypatia.store.syncBesideWriter=false}). See {@link SqliteStore}'s class comment
 * for why the store syncs the log itself. After a failed sync nothing is acknowledged any more:
 * the page cache may have dropped pages.
 */
final class CommitAcknowledger {
    private static final Logger LOG = Logger.getLogger(CommitAcknowledger.class.getName());

    /** Makes the committed log pages durable (an fdatasync of the log file). */
    @FunctionalInterface
    interface LogSync {
        void sync() throws IOException;
    }

    /** A committed batch's callers, waiting for the log to be synced. */
    private record Committed(List<CompletableFuture<Void>> callers, long startNanos) {
    }

    private static final Committed STOP = new Committed(List.of(), 0);

    /** Null when commits need no sync of ours. */
    private final LogSync logSync;
    /** Null when the writer syncs (or nothing is synced). */
    private final Thread syncer;
    private final BlockingQueue<Committed> queue = new LinkedBlockingQueue<>();
    private volatile IOException syncFailure;
    private final AtomicLong syncs = new AtomicLong();
    private volatile CommitListener listener = (nanos, changes) -> { };

    private CommitAcknowledger(LogSync logSync, boolean besideWriter) {
        this.logSync = logSync;
        if (logSync != null && besideWriter) {
            this.syncer = new Thread(this::syncLoop, "hypatia-store-sync");
            this.syncer.setDaemon(true);
            this.syncer.start();
        } else {
            this.syncer = null;
        }
    }

    /** Acknowledges each commit at once. */
    static CommitAcknowledger immediate() {
        return new CommitAcknowledger(null, false);
    }

    /** Acknowledges each commit once {@code logSync} has made it durable, synced beside the writer or by it. */
    static CommitAcknowledger afterSync(LogSync logSync, boolean besideWriter) {
        return new CommitAcknowledger(logSync, besideWriter);
    }

    /** fdatasync of the write-ahead log at {@code log} (see {@link LogFileSync}). */
    static LogSync logFile(Path log) {
        return new LogFileSync(log);
    }

    void setListener(CommitListener listener) {
        this.listener = listener;
    }

    /** Why changes can no longer be acknowledged, as the error their callers get; null while they can. */
    IllegalStateException failure() {
        IOException failed = syncFailure;
        return failed == null ? null : notSynced(failed);
    }

    private static IllegalStateException notSynced(IOException failed) {
        return new IllegalStateException("the store's log could not be synced: " + failed.getMessage(), failed);
    }

    /** Writer thread: the batch whose {@code callers} were committed, its commit started at {@code startNanos}. */
    void committed(List<CompletableFuture<Void>> callers, long startNanos) {
        if (callers.isEmpty()) {
            return;
        }
        Committed c = new Committed(callers, startNanos);
        if (syncer != null) {
            queue.add(c); // acknowledged once synced
        } else if (logSync != null) {
            syncAndAcknowledge(List.of(c)); // on the writer, before its next batch
        } else {
            acknowledge(c, System.nanoTime());
        }
    }

    /** Writer thread, after its last commit: returns once every batch committed before is acknowledged (or failed). */
    void stop() {
        if (syncer != null) {
            queue.add(STOP);
            try {
                syncer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Closes the log's descriptor; after {@link #stop()}, before SQLite's last connection closes. */
    void close() {
        if (logSync instanceof LogFileSync file) {
            try {
                file.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "closing the store's log descriptor", e);
            }
        }
    }

    /** Log syncs made so far (for tests). */
    long syncs() {
        return syncs.get();
    }

    /**
     * Syncs the log for every batch the writer has committed since the last sync, then
     * acknowledges them: one sync covers all the log pages written before it starts.
     */
    private void syncLoop() {
        List<Committed> ready = new ArrayList<>();
        while (true) {
            try {
                ready.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(ready);
            boolean stop = ready.removeIf(c -> c == STOP);
            if (!ready.isEmpty()) {
                syncAndAcknowledge(ready);
                ready.clear();
            }
            if (stop) {
                return;
            }
        }
    }

    /** Syncs the log once for {@code ready}, then completes their callers' futures (or fails them). */
    private void syncAndAcknowledge(List<Committed> ready) {
        IOException failed = syncFailure;
        if (failed == null) {
            try {
                logSync.sync();
                syncs.incrementAndGet();
            } catch (IOException | RuntimeException e) {
                failed = e instanceof IOException io ? io : new IOException(e);
                syncFailure = failed;
                LOG.log(Level.SEVERE, "syncing the store's log failed; no change is acknowledged from now on", e);
            }
        }
        long now = System.nanoTime();
        for (Committed c : ready) {
            if (failed == null) {
                acknowledge(c, now);
            } else {
                IllegalStateException e = notSynced(failed);
                c.callers().forEach(f -> f.completeExceptionally(e));
            }
        }
    }

    private void acknowledge(Committed c, long now) {
        listener.committed(now - c.startNanos(), c.callers().size());
        c.callers().forEach(f -> f.complete(null));
    }

    /**
     * fdatasync of the write-ahead log file through a descriptor of its own, opened at the first
     * sync (the log exists once a connection in WAL mode has written). SQLite removes the log
     * only when its last connection closes, which {@link SqliteStore#close()} does after the
     * syncer stops, so the descriptor stays on the file SQLite writes. The folder is synced once
     * too, so the log's name survives a crash as SQLite's FULL mode ensured at its first sync.
     */
    private static final class LogFileSync implements LogSync {
        private final Path log;
        private FileChannel channel; // syncing thread only

        LogFileSync(Path log) {
            this.log = log;
        }

        @Override
        public void sync() throws IOException {
            if (channel == null) {
                channel = FileChannel.open(log, StandardOpenOption.WRITE);
                try (FileChannel folder = FileChannel.open(log.getParent(), StandardOpenOption.READ)) {
                    folder.force(true);
                }
            }
            channel.force(false);
        }

        void close() throws IOException {
            if (channel != null) {
                channel.close();
            }
        }
    }
}
