package io.hypatia.engine.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.sqlite.SQLiteConfig;

/**
 * The embedded store (the default): an SQLite file with write-ahead logging, owned by one
 * process. The engine's statements use portable SQL (BIGINT, DOUBLE PRECISION, TEXT,
 * INSERT ... ON CONFLICT) so the same statements run on {@link PostgresStore}.
 *
 * <p>All writes go through one writer thread that commits whatever has queued up as a single
 * transaction (group commit): a caller's future completes only once its change is committed,
 * and with {@code synchronous=FULL} fsynced, so an acknowledged tell survives a crash of the
 * process or the machine, while many concurrent clients still share each fsync.
 *
 * <p>Checkpoints (copying the write-ahead log back into the database file, with an fsync of each)
 * run mostly on a thread and connection of their own, not inside a commit: left to SQLite, every
 * 1,000th page written made one commit carry a checkpoint, and every ask and tell queued behind
 * that commit waited for it (a stall several times a second at 32 busy clients). A background
 * checkpoint never blocks the writer, but it cannot restart the log while commits keep coming, so
 * the writer still checkpoints itself, as SQLite does, once the log reaches
 * {@link #INLINE_CHECKPOINT_FRAMES} pages; by then the background has copied nearly all of it.
 *
 * <p>With fsync on, the log is made durable by this class rather than by SQLite: the writer
 * commits with {@code synchronous=NORMAL} (SQLite writes the commit's log pages but does not sync
 * them) and hands the batch to a syncer thread ({@link CommitAcknowledger}), which {@code fdatasync}s the log file and only
 * then completes the batch's futures. Nothing is acknowledged before its log pages are on disk,
 * as with {@code synchronous=FULL}, but (1) the writer applies and commits the next batch while
 * the previous one syncs, so the two overlap instead of queueing, and one sync covers every commit
 * made before it starts; (2) the library's own sync is an {@code fsync}, which on ext4 also
 * commits the file system's journal for the log's changed times, and that journal commit waits
 * for whatever other processes have written; {@code fdatasync} of a log overwritten in place
 * (after a checkpoint SQLite reuses the log from its start) does not. SQLite still syncs the log
 * before every checkpoint and the database file after it, and the log header when the log
 * restarts, as with FULL. {@code -Dhypatia.store.syncBesideWriter=false} has the writer sync
 * after each commit itself (slower in every interleaved round measured; docs/SCALE-OUT.md).
 */
public final class SqliteStore implements Store {
    private static final Logger LOG = Logger.getLogger(SqliteStore.class.getName());
    private static final int MAX_BATCH = 512;

    private record Pending(Write write, CompletableFuture<Void> done) {
    }

    private static final Pending STOP = new Pending(c -> { }, new CompletableFuture<>());

    private final Connection connection;
    /**
     * The writer's prepared statements by text (trial rows, reported values): preparing the trial
     * row's upsert again for every change was a good part of the writer's time per commit, and
     * every ask and tell waits for that writer.
     */
    private final Map<String, PreparedStatement> prepared = new HashMap<>();
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    /** When a commit is acknowledged: at once, or once the log is synced (class comment). */
    private final CommitAcknowledger acknowledger;
    /**
     * Whether the log is synced on a thread of its own while the writer commits the next batch
     * (the default), or by the writer right after each commit
     * ({@code -Dhypatia.store.syncBesideWriter=false}). See the class comment.
     */
    static final boolean SYNC_BESIDE_WRITER_DEFAULT = !"false".equals(System.getProperty("hypatia.store.syncBesideWriter"));

    /** Commits between two background checkpoints: at about 8 pages a commit, near SQLite's own 1,000 pages. */
    static final int CHECKPOINT_EVERY_COMMITS = 128;
    /** Log pages at which a commit checkpoints inline (SQLite's own default is 1,000): about 32 MB of log. */
    static final int INLINE_CHECKPOINT_FRAMES = 8192;
    /** The checkpointer's own connection; null for a store in memory (no log to checkpoint). */
    private final Connection checkpointConnection;
    private final Thread checkpointer;
    private final Semaphore checkpointDue = new Semaphore(0);
    private volatile boolean closing;
    private int commitsSinceCheckpoint; // writer thread only
    private final AtomicLong checkpoints = new AtomicLong();
    private volatile int lastCheckpointedFrames;

    private SqliteStore(Connection connection, Connection checkpointConnection, CommitAcknowledger acknowledger) {
        this.connection = connection;
        this.checkpointConnection = checkpointConnection;
        this.acknowledger = acknowledger;
        this.writer = new Thread(this::writeLoop, "hypatia-store-writer");
        this.writer.setDaemon(true);
        this.writer.start();
        if (checkpointConnection != null) {
            this.checkpointer = new Thread(this::checkpointLoop, "hypatia-store-checkpoint");
            this.checkpointer.setDaemon(true);
            this.checkpointer.start();
        } else {
            this.checkpointer = null;
        }
    }

    /**
     * Opens (creating if needed) the store in {@code dataDir}.
     *
     * @param fsync true: every commit is fsynced (survives power loss); false: commits survive a
     *              crash of the process but not of the machine
     */
    public static SqliteStore open(Path dataDir, boolean fsync) throws IOException {
        return open(dataDir, fsync, null, SYNC_BESIDE_WRITER_DEFAULT);
    }

    /**
     * {@link #open(Path, boolean)} with the log's sync replaced when not null (tests: a sync that
     * waits for a signal), and synced on a thread of its own or by the writer.
     */
    static SqliteStore open(Path dataDir, boolean fsync, CommitAcknowledger.LogSync syncOverride, boolean syncBesideWriter)
            throws IOException {
        Files.createDirectories(dataDir);
        try {
            Path db = dataDir.resolve("hypatia.db").toAbsolutePath();
            String url = "jdbc:sqlite:" + db;
            Connection c = DriverManager.getConnection(url, connectionProperties());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=" + (fsync ? "FULL" : "NORMAL")); // the schema's changes synced by SQLite
                s.execute("PRAGMA busy_timeout=10000");
                s.execute("PRAGMA wal_autocheckpoint=" + INLINE_CHECKPOINT_FRAMES); // the checkpointer thread does most (class comment)
            }
            Schema.apply(c);
            CommitAcknowledger acknowledger = CommitAcknowledger.immediate();
            if (fsync) {
                // From here each commit's log pages are synced by us before it is acknowledged (class comment).
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA synchronous=NORMAL");
                }
                acknowledger = CommitAcknowledger.afterSync(
                        syncOverride != null ? syncOverride : CommitAcknowledger.logFile(Path.of(db + "-wal")), syncBesideWriter);
            }
            c.setAutoCommit(false);
            Connection checkpoints = DriverManager.getConnection(url, connectionProperties());
            try (Statement s = checkpoints.createStatement()) {
                // A checkpoint syncs the log before copying it and the database file after, as the
                // writer's own checkpoints did; never OFF, which could lose acknowledged commits.
                s.execute("PRAGMA synchronous=" + (fsync ? "FULL" : "NORMAL"));
                s.execute("PRAGMA busy_timeout=10000");
            }
            return new SqliteStore(c, checkpoints, acknowledger);
        } catch (SQLException e) {
            throw new IOException("cannot open the store in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The driver's options for our connections: no generated keys, which we never read and which the
     * driver otherwise looks for with a regular expression over every statement it runs (a few per
     * cent of the service's CPU under load).
     */
    private static java.util.Properties connectionProperties() {
        SQLiteConfig config = new SQLiteConfig();
        config.setGetGeneratedKeys(false);
        return config.toProperties();
    }

    /**
     * A store held in memory only, for simulations and tests: the same schema, statements and
     * single writer thread, but nothing survives the process. The benchmark runner opens one per
     * run so parallel runs do not queue behind one writer.
     */
    public static SqliteStore openInMemory() {
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite::memory:", connectionProperties());
            Schema.apply(c);
            c.setAutoCommit(false);
            return new SqliteStore(c, null, CommitAcknowledger.immediate());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open an in-memory store: " + e.getMessage(), e);
        }
    }

    @Override
    public void setCommitListener(CommitListener listener) {
        acknowledger.setListener(listener);
    }

    /** Queues a change; the future completes when it is committed (or fails with the cause). */
    @Override
    public CompletableFuture<Void> submit(Write write) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!writer.isAlive()) {
            done.completeExceptionally(new IllegalStateException("the store is closed"));
            return done;
        }
        IllegalStateException failed = acknowledger.failure();
        if (failed != null) {
            done.completeExceptionally(failed);
            return done;
        }
        queue.add(new Pending(write, done));
        return done;
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            boolean stop = batch.remove(STOP);
            long start = System.nanoTime();
            try {
                for (Pending p : batch) {
                    apply(p.write);
                }
                connection.commit();
                if (!batch.isEmpty() && checkpointer != null && ++commitsSinceCheckpoint >= CHECKPOINT_EVERY_COMMITS) {
                    commitsSinceCheckpoint = 0;
                    checkpointDue.release();
                }
                acknowledger.committed(batch.stream().map(Pending::done).toList(), start);
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.SEVERE, "store commit failed; " + batch.size() + " changes not saved", e);
                try {
                    connection.rollback();
                } catch (SQLException ignored) {
                    // the connection is broken; the callers learn it from their futures
                }
                batch.forEach(p -> p.done.completeExceptionally(e));
            }
            batch.clear();
            if (stop) {
                acknowledger.stop(); // every batch committed before is acknowledged (or failed)
                STOP.done.complete(null);
                return;
            }
        }
    }

    /** Log syncs made so far (for tests). */
    long syncs() {
        return acknowledger.syncs();
    }

    /**
     * Copies committed log pages into the database file when the writer says enough commits went
     * by. PASSIVE: it never waits for the writer, and the writer never waits for it (SQLite lets
     * one checkpointer run beside one writer in WAL mode); the log restarts from its beginning
     * once a checkpoint has copied all of it.
     */
    private void checkpointLoop() {
        while (true) {
            try {
                checkpointDue.acquire();
            } catch (InterruptedException e) {
                return;
            }
            checkpointDue.drainPermits();
            if (closing) {
                return;
            }
            try (Statement s = checkpointConnection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                lastCheckpointedFrames = rs.next() ? rs.getInt(3) : 0;
                checkpoints.incrementAndGet();
            } catch (SQLException e) {
                LOG.log(Level.WARNING, "background checkpoint of the store failed; the next one tries again", e);
            }
        }
    }

    /** Background checkpoints run so far (for tests). */
    long checkpoints() {
        return checkpoints.get();
    }

    /** Log frames the last background checkpoint had copied into the database file (for tests). */
    int lastCheckpointedFrames() {
        return lastCheckpointedFrames;
    }

    private void apply(Write write) throws SQLException {
        if (write instanceof StatementWrite sw) {
            PreparedStatement ps = prepared.get(sw.sql());
            if (ps == null) {
                ps = connection.prepareStatement(sw.sql());
                prepared.put(sw.sql(), ps);
            }
            sw.bind(ps);
            ps.executeUpdate();
        } else {
            write.apply(connection);
        }
    }

    /** Reads with the writer's connection; only used at start-up, before any write is queued. */
    @Override
    public <T> T read(String sql, RowReader<T> reader) throws SQLException {
        synchronized (connection) {
            try (PreparedStatement ps = connection.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        }
    }

    @Override
    public void close() {
        if (checkpointer != null) {
            closing = true;
            checkpointDue.release();
            try {
                checkpointer.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                checkpointConnection.close();
            } catch (SQLException e) {
                LOG.log(Level.WARNING, "closing the store's checkpoint connection", e);
            }
        }
        // The writer's connection closes last: SQLite checkpoints the whole log then.
        if (writer.isAlive()) {
            queue.add(STOP);
            try {
                writer.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        acknowledger.close();
        try {
            connection.close(); // also closes the writer's prepared statements
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "closing the store", e);
        }
    }
}
