package io.hypatia.engine.store;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Studies and trials in a PostgreSQL database that several gateway processes share.
 *
 * <p>Serialisation per study lives in the database: {@link #beginStudy} opens a transaction that
 * holds the study's advisory lock ({@code pg_advisory_xact_lock(study_id)}) and tells the caller
 * the study's committed version (so it can refresh its cache with the trials changed since the
 * version it has); writes submitted in it are stamped with the next version, held, and sent in
 * batches at {@link StudyTx#commit} ({@link BatchedWrites}). Tables are created and migrated on
 * open by Flyway (scripts in {@code io/hypatia/engine/store/postgresql}); connections come from
 * a HikariCP pool ({@link PostgresPool}).
 */
public final class PostgresStore implements Store {
    private static final int TRIAL_ID_BLOCK = 64;
    private static final int DEFAULT_PORT = 5432;

    /** Where the database is: parsed from {@code postgresql://host[:port]/database}. */
    public record Location(String host, int port, String database) {
        /** Parses {@code url}; IllegalArgumentException says what is wrong with it. */
        public static Location parse(String url) {
            String form = "expected postgresql://host[:port]/database, got '" + url + "'";
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(form + " (" + e.getReason() + ")");
            }
            if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
                throw new IllegalArgumentException(form);
            }
            if (uri.getUserInfo() != null) {
                throw new IllegalArgumentException("credentials do not belong in the URL (it shows in process lists); "
                        + "use --store-credentials FILE or HYPATIA_PG_USER/HYPATIA_PG_PASSWORD");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new IllegalArgumentException(form + " (no host)");
            }
            String path = uri.getPath() == null ? "" : uri.getPath();
            String database = path.startsWith("/") ? path.substring(1) : path;
            if (database.isEmpty() || database.contains("/")) {
                throw new IllegalArgumentException(form + " (no database name)");
            }
            if (uri.getQuery() != null) {
                throw new IllegalArgumentException(form + " (query parameters are not supported)");
            }
            return new Location(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), database);
        }

        public String jdbcUrl() {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }

        @Override
        public String toString() {
            return "postgresql://" + host + ":" + port + "/" + database;
        }
    }

    /** A database role and its password. */
    public record Credentials(String user, String password) {
        @Override
        public String toString() {
            return "Credentials[user=" + user + "]"; // never the password
        }

        /**
         * Reads {@code user=NAME} and {@code password=SECRET} lines ({@code #} starts a comment).
         * IllegalArgumentException names what is missing.
         */
        public static Credentials fromFile(Path file) throws IOException {
            String user = null;
            String password = "";
            for (String line : Files.readAllLines(file)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                int eq = l.indexOf('=');
                String key = eq < 0 ? l : l.substring(0, eq).strip();
                String value = eq < 0 ? "" : l.substring(eq + 1).strip();
                switch (key) {
                    case "user" -> user = value;
                    case "password" -> password = value;
                    default -> throw new IllegalArgumentException(file + ": unknown key '" + key
                            + "' (expected user=NAME and password=SECRET lines)");
                }
            }
            if (user == null || user.isEmpty()) {
                throw new IllegalArgumentException(file + ": no user=NAME line");
            }
            return new Credentials(user, password);
        }

        /** From HYPATIA_PG_USER/HYPATIA_PG_PASSWORD, else PGUSER/PGPASSWORD; null when no user is set. */
        public static Credentials fromEnvironment(Map<String, String> env) {
            String user = env.get("HYPATIA_PG_USER");
            String password = env.get("HYPATIA_PG_PASSWORD");
            if (user == null || user.isEmpty()) {
                user = env.get("PGUSER");
                password = env.get("PGPASSWORD");
            }
            return user == null || user.isEmpty() ? null : new Credentials(user, password == null ? "" : password);
        }
    }

    private record Pending(Write write, CompletableFuture<Void> done) {
    }

    private final Location location;
    private final HikariDataSource pool;
    private final ThreadLocal<StudyTx> current = new ThreadLocal<>();
    private volatile CommitListener commitListener = (nanos, changes) -> { };
    private long nextTrialId;
    private long trialIdBlockEnd;

    private PostgresStore(Location location, HikariDataSource pool) {
        this.location = location;
        this.pool = pool;
    }

    /**
     * Connects (a pool of {@code poolSize} connections) and creates or migrates the tables.
     * IOException says why the database cannot be used (unreachable, refused credentials, ...).
     */
    public static PostgresStore open(Location location, Credentials credentials, int poolSize) throws IOException {
        return new PostgresStore(location, PostgresPool.open(location, credentials, poolSize));
    }

    public Location location() {
        return location;
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public void setCommitListener(CommitListener listener) {
        this.commitListener = listener;
    }

    /**
     * Inside a study transaction on this thread, the write joins it (the future completes at its
     * commit); otherwise it runs in a transaction of its own before this returns.
     */
    @Override
    public CompletableFuture<Void> submit(Write write) {
        StudyTx tx = current.get();
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (tx != null) {
            tx.writes.add(new Pending(write, done));
            return done;
        }
        long start = System.nanoTime();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                write.apply(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            commitListener.committed(System.nanoTime() - start, 1);
            done.complete(null);
        } catch (SQLException | RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    @Override
    public <T> T read(String sql, RowReader<T> reader) throws SQLException {
        return withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        });
    }

    /** Work with a connection (the study transaction's on this thread, else a pooled one in autocommit). */
    @FunctionalInterface
    public interface ConnectionWork<T> {
        T run(Connection connection) throws SQLException;
    }

    public <T> T withConnection(ConnectionWork<T> work) throws SQLException {
        StudyTx tx = current.get();
        if (tx != null) {
            return work.run(tx.connection);
        }
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        }
    }

    /**
     * Opens a transaction on study {@code studyId}: one round trip takes the study's advisory lock
     * ({@code pg_advisory_xact_lock}), then bumps the study's version and sets it as the stamp the
     * trials trigger puts on every row this transaction changes. A transaction that ends without
     * writes rolls back, so reads leave the version alone. Not re-entrant on one thread.
     *
     * @throws SQLException when the database fails; nothing is then held
     */
    public StudyTx beginStudy(long studyId) throws SQLException {
        Connection c = pool.getConnection();
        try {
            c.setAutoCommit(false);
            long version = -1;
            try (Statement s = c.createStatement()) {
                // The UPDATE is a statement of its own after the lock: it sees every commit made before the lock was granted.
                s.execute("SELECT pg_advisory_xact_lock(" + studyId + "); UPDATE studies SET version = version + 1 WHERE study_id = "
                        + studyId + " RETURNING version - 1, set_config('hypatia.change_seq', version::text, true)");
                if (!s.getMoreResults()) {
                    throw new SQLException("no result for the study's version");
                }
                try (ResultSet rs = s.getResultSet()) {
                    if (rs.next()) {
                        version = rs.getLong(1);
                    }
                }
            }
            return new StudyTx(c, version);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c, true);
            throw e;
        }
    }

    private static void closeQuietly(Connection c, boolean rollback) {
        try (c) {
            if (rollback) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // the connection is broken; the pool drops it
        }
    }

    /**
     * One open study transaction (see {@link #beginStudy}). Several calls may run in it one after
     * another, on any threads: {@link #enter} makes {@link #submit} on the calling thread join it.
     * The writes are held until {@link #commit}, which sends those of one statement as one batch
     * (one round trip each) and commits: concurrent calls of a study share its round trips.
     */
    public final class StudyTx {
        private final Connection connection;
        private final long version;
        private final List<Pending> writes = new ArrayList<>();
        private boolean ended;

        private StudyTx(Connection connection, long version) {
            this.connection = connection;
            this.version = version;
        }

        /** The study's committed version when the lock was taken, or -1 when the study no longer exists. */
        public long version() {
            return version;
        }

        public Connection connection() {
            return connection;
        }

        /** Submits and reads on this thread go to this transaction until {@link #exit}. */
        public void enter() {
            if (current.get() != null) {
                throw new IllegalStateException("a study transaction is already open on this thread");
            }
            current.set(this);
        }

        public void exit() {
            current.remove();
        }

        /** How many writes are held; {@link #discardFrom} takes back those submitted after this. */
        public int mark() {
            return writes.size();
        }

        /** Drops the writes submitted since {@code mark} (the call that made them was refused). */
        public void discardFrom(int mark, Throwable why) {
            List<Pending> dropped = writes.subList(mark, writes.size());
            dropped.forEach(p -> p.done.completeExceptionally(why));
            dropped.clear();
        }

        public boolean hasWrites() {
            return !writes.isEmpty();
        }

        /**
         * Applies the held writes in order (statements of one text in one batch where that keeps
         * the order's effect, see {@link BatchedWrites#apply}) and commits; without writes rolls back. Completes the writes' futures, closes the connection
         * and returns the study's version now.
         */
        public long commit() throws SQLException {
            end();
            long start = System.nanoTime();
            try {
                if (writes.isEmpty()) {
                    connection.rollback(); // undoes the version bump: nothing changed
                    closeQuietly(connection, false);
                    return version;
                }
                BatchedWrites.apply(connection, writes.stream().map(Pending::write).toList());
                connection.commit();
            } catch (SQLException | RuntimeException | Error e) {
                fail(e);
                throw e;
            }
            closeQuietly(connection, false);
            commitListener.committed(System.nanoTime() - start, writes.size());
            writes.forEach(p -> p.done.complete(null));
            return version + 1;
        }

        /** Rolls back and fails every held write with {@code why}. */
        public void rollback(Throwable why) {
            if (!ended) {
                end();
                fail(why);
            }
        }

        private void end() {
            if (ended) {
                throw new IllegalStateException("the study transaction has ended");
            }
            ended = true;
        }

        private void fail(Throwable why) {
            closeQuietly(connection, true);
            writes.forEach(p -> p.done.completeExceptionally(why));
        }
    }

    /** A new study id, never handed out before by any gateway. */
    public long nextStudyId() throws SQLException {
        return withConnection(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT nextval('study_ids')")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** A new trial id, never handed out before by any gateway (taken from blocks reserved in the database). */
    public synchronized long nextTrialId() throws SQLException {
        if (nextTrialId >= trialIdBlockEnd) {
            long block = withConnection(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT nextval('trial_id_blocks')")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            nextTrialId = (block - 1) * TRIAL_ID_BLOCK + 1;
            trialIdBlockEnd = block * TRIAL_ID_BLOCK + 1;
        }
        return nextTrialId++;
    }

    @Override
    public void close() {
        pool.close();
    }
}
