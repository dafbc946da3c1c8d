package io.hypatia.engine.store;

import com.zaxxer.hikari.HikariConfig;
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
import java.util.function.LongConsumer;
import org.flywaydb.core.Flyway;

/**
 * Studies and trials in a PostgreSQL database that several gateway processes share.
 *
 * <p>Serialisation per study lives in the database: {@link #inStudy} runs one transaction that
 * holds the study's advisory lock ({@code pg_advisory_xact_lock(study_id)}), hands the caller
 * the study's committed version (so it can refresh its cache with the trials changed since the
 * version it has), collects the caller's writes ({@link #submit} on the same thread), stamps
 * them with the next version and commits before returning. Tables are created and migrated on
 * open by Flyway (scripts in {@code io/hypatia/engine/store/postgresql}); connections come from
 * a HikariCP pool.
 */
public final class PostgresStore implements Store {
    static final String MIGRATIONS = "classpath:io/hypatia/engine/store/postgresql";
    private static final int TRIAL_ID_BLOCK = 64;
    private static final int DEFAULT_PORT = 5432;
    /** Flyway reports every step at INFO; only problems are worth a line in the service's log. */
    private static final java.util.logging.Logger FLYWAY_LOG = quiet("org.flywaydb");
    /** HikariCP (through SLF4J's java.util.logging binding) says "Starting..." and each connection at INFO: the same. */
    private static final java.util.logging.Logger HIKARI_LOG = quiet("com.zaxxer.hikari");

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(name);
        log.setLevel(java.util.logging.Level.WARNING);
        return log;
    }

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

    /** The work of one study transaction; runs holding the study's lock. */
    @FunctionalInterface
    public interface StudyWork<T> {
        /**
         * @param version the study's committed version, or -1 when the study no longer exists
         */
        T run(Connection connection, long version) throws SQLException;
    }

    private record Pending(Write write, CompletableFuture<Void> done) {
    }

    /** The study transaction running on this thread, if any. */
    private static final class Tx {
        final Connection connection;
        final List<Pending> writes = new ArrayList<>();

        Tx(Connection connection) {
            this.connection = connection;
        }
    }

    private final Location location;
    private final HikariDataSource pool;
    private final ThreadLocal<Tx> current = new ThreadLocal<>();
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
        FLYWAY_LOG.getLevel(); // initialised before Flyway logs
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(location.jdbcUrl());
        config.setUsername(credentials.user());
        config.setPassword(credentials.password());
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("hypatia-store");
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(10_000); // a wrong address or password fails the start, not the first call
        config.addDataSourceProperty("ApplicationName", "hypatia");
        config.addDataSourceProperty("connectTimeout", "10");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IOException("cannot connect to " + location + " as '" + credentials.user() + "': " + rootMessage(e), e);
        }
        try {
            Flyway.configure(PostgresStore.class.getClassLoader()).dataSource(pool).locations(MIGRATIONS)
                    .table("hypatia_schema_history").load().migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw new IOException("cannot create or migrate the tables in " + location + ": " + rootMessage(e), e);
        }
        return new PostgresStore(location, pool);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
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
        Tx tx = current.get();
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
        Tx tx = current.get();
        if (tx != null) {
            return work.run(tx.connection);
        }
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        }
    }

    /**
     * Runs {@code work} in one transaction holding study {@code studyId}'s advisory lock, then
     * applies the writes it submitted, stamped with the study's next version, and commits. After
     * the commit {@code committedVersion} learns the study's version. Not re-entrant.
     *
     * @throws SQLException when the database fails; nothing of the transaction is then kept
     */
    public <T> T inStudy(long studyId, StudyWork<T> work, LongConsumer committedVersion) throws SQLException {
        if (current.get() != null) {
            throw new IllegalStateException("a study transaction is already open on this thread");
        }
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            Tx tx = new Tx(c);
            current.set(tx);
            try {
                long version = lockAndReadVersion(c, studyId);
                T result = work.run(c, version);
                long newVersion = version;
                long start = System.nanoTime();
                if (!tx.writes.isEmpty()) {
                    newVersion = version + 1;
                    try (Statement s = c.createStatement()) {
                        // one round trip: the study's new version, and the stamp the trials trigger puts on changed rows
                        s.execute("UPDATE studies SET version = " + newVersion + " WHERE study_id = " + studyId
                                + "; SELECT set_config('hypatia.change_seq', '" + newVersion + "', true)");
                    }
                    for (Pending p : tx.writes) {
                        p.write.apply(c);
                    }
                }
                c.commit();
                if (!tx.writes.isEmpty()) {
                    commitListener.committed(System.nanoTime() - start, tx.writes.size());
                }
                tx.writes.forEach(p -> p.done.complete(null));
                committedVersion.accept(newVersion);
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is broken; the pool drops it
                }
                tx.writes.forEach(p -> p.done.completeExceptionally(e));
                throw e;
            } finally {
                current.remove();
            }
        }
    }

    /** Takes the study's advisory lock, then reads its version (a statement of its own: it must see commits made before the lock was granted). */
    private static long lockAndReadVersion(Connection c, long studyId) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + studyId + "); SELECT version FROM studies WHERE study_id = " + studyId);
            if (!s.getMoreResults()) {
                throw new SQLException("no result for the study's version");
            }
            try (ResultSet rs = s.getResultSet()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
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
