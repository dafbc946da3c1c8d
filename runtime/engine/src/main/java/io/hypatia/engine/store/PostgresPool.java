package io.hypatia.engine.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import org.flywaydb.core.Flyway;

/**
 * Connection setup of {@link PostgresStore}: a HikariCP pool to the database, whose tables Flyway
 * creates or migrates before the pool is handed out (scripts in {@link #MIGRATIONS}).
 */
final class PostgresPool {
    static final String MIGRATIONS = "classpath:io/hypatia/engine/store/postgresql";
    /** Flyway reports every step at INFO; only problems are worth a line in the service's log. */
    private static final java.util.logging.Logger FLYWAY_LOG = quiet("org.flywaydb");
    /** HikariCP (through SLF4J's java.util.logging binding) says "Starting..." and each connection at INFO: the same. */
    private static final java.util.logging.Logger HIKARI_LOG = quiet("com.zaxxer.hikari");

    private PostgresPool() {
    }

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(name);
        log.setLevel(java.util.logging.Level.WARNING);
        return log;
    }

    /**
     * Connects (a pool of {@code poolSize} connections) and creates or migrates the tables.
     * IOException says why the database cannot be used (unreachable, refused credentials, ...).
     */
    static HikariDataSource open(PostgresStore.Location location, PostgresStore.Credentials credentials, int poolSize)
            throws IOException {
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
            Flyway.configure(PostgresPool.class.getClassLoader()).dataSource(pool).locations(MIGRATIONS)
                    .table("hypatia_schema_history").load().migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw new IOException("cannot create or migrate the tables in " + location + ": " + rootMessage(e), e);
        }
        return pool;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
