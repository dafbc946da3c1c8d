package io.hypatia.engine.store;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;

/**
 * The durable record of studies and trials. Two implementations: {@link SqliteStore}, an
 * embedded file owned by one process (the default), and {@link PostgresStore}, a database that
 * several gateway processes share. Every change reaches the store before the RPC that made it
 * answers.
 */
public interface Store extends AutoCloseable {

    /** One change to apply inside the store's transaction. */
    @FunctionalInterface
    interface Write {
        void apply(Connection connection) throws SQLException;
    }

    /**
     * A write that is one parameterised statement. A shared store sends the statements of one
     * transaction that have the same text as one batch (one round trip), moving a statement ahead
     * of writes to other tables where that gathers it with the others of its text.
     */
    interface StatementWrite extends Write {
        String sql();

        void bind(java.sql.PreparedStatement ps) throws SQLException;

        /**
         * The one table the statement changes, with no effect on others (no trigger writing
         * elsewhere); null when that is not so, and then it is never moved.
         */
        String table();

        @Override
        default void apply(Connection connection) throws SQLException {
            try (java.sql.PreparedStatement ps = connection.prepareStatement(sql())) {
                bind(ps);
                ps.executeUpdate();
            }
        }
    }

    /** Turns a result set into a value. */
    @FunctionalInterface
    interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Told after every commit how long it took and how many queued changes it carried. */
    @FunctionalInterface
    interface CommitListener {
        void committed(long nanos, int changes);
    }

    /** The embedded store in {@code dataDir} (see {@link SqliteStore#open}). */
    static Store open(Path dataDir, boolean fsync) throws IOException {
        return SqliteStore.open(dataDir, fsync);
    }

    /** An embedded store in memory only, for simulations and tests. */
    static Store openInMemory() {
        return SqliteStore.openInMemory();
    }

    /**
     * Applies a change; the future completes when it is committed (or fails with the cause).
     * Inside a {@link PostgresStore#beginStudy study transaction} the change joins that transaction.
     */
    CompletableFuture<Void> submit(Write write);

    /** Runs a query and turns its rows into a value. */
    <T> T read(String sql, RowReader<T> reader) throws SQLException;

    void setCommitListener(CommitListener listener);

    /**
     * True when other processes change the same studies (a shared database): an in-memory view of
     * a study is then only a cache, refreshed under the study's lock in the store.
     */
    default boolean shared() {
        return false;
    }

    @Override
    void close();
}
