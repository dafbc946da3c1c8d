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
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The embedded store (the default): an SQLite file with write-ahead logging, owned by one
 * process. The engine's statements use portable SQL (BIGINT, DOUBLE PRECISION, TEXT,
 * INSERT ... ON CONFLICT) so the same statements run on {@link PostgresStore}.
 *
 * <p>All writes go through one writer thread that commits whatever has queued up as a single
 * transaction (group commit): a caller's future completes only once its change is committed,
 * and with {@code synchronous=FULL} fsynced, so an acknowledged tell survives a crash of the
 * process or the machine, while many concurrent clients still share each fsync.
 */
public final class SqliteStore implements Store {
    private static final Logger LOG = Logger.getLogger(SqliteStore.class.getName());
    private static final int MAX_BATCH = 512;

    private record Pending(Write write, CompletableFuture<Void> done) {
    }

    private static final Pending STOP = new Pending(c -> { }, new CompletableFuture<>());

    private final Connection connection;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile CommitListener commitListener = (nanos, changes) -> { };

    private SqliteStore(Connection connection) {
        this.connection = connection;
        this.writer = new Thread(this::writeLoop, "hypatia-store-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Opens (creating if needed) the store in {@code dataDir}.
     *
     * @param fsync true: every commit is fsynced (survives power loss); false: commits survive a
     *              crash of the process but not of the machine
     */
    public static SqliteStore open(Path dataDir, boolean fsync) throws IOException {
        Files.createDirectories(dataDir);
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("hypatia.db").toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=" + (fsync ? "FULL" : "NORMAL"));
                s.execute("PRAGMA busy_timeout=10000");
            }
            Schema.apply(c);
            c.setAutoCommit(false);
            return new SqliteStore(c);
        } catch (SQLException e) {
            throw new IOException("cannot open the store in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * A store held in memory only, for simulations and tests: the same schema, statements and
     * single writer thread, but nothing survives the process. The benchmark runner opens one per
     * run so parallel runs do not queue behind one writer.
     */
    public static SqliteStore openInMemory() {
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
            Schema.apply(c);
            c.setAutoCommit(false);
            return new SqliteStore(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open an in-memory store: " + e.getMessage(), e);
        }
    }

    @Override
    public void setCommitListener(CommitListener listener) {
        this.commitListener = listener;
    }

    /** Queues a change; the future completes when it is committed (or fails with the cause). */
    @Override
    public CompletableFuture<Void> submit(Write write) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!writer.isAlive()) {
            done.completeExceptionally(new IllegalStateException("the store is closed"));
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
                    p.write.apply(connection);
                }
                connection.commit();
                if (!batch.isEmpty()) {
                    commitListener.committed(System.nanoTime() - start, batch.size());
                }
                batch.forEach(p -> p.done.complete(null));
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
                STOP.done.complete(null);
                return;
            }
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
        if (writer.isAlive()) {
            queue.add(STOP);
            try {
                writer.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "closing the store", e);
        }
    }
}
