package io.hypatia.engine.store;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL server tests run against, named by {@code HYPATIA_TEST_PG_URL} (a
 * {@code postgresql://host:port/db} URL) with {@code HYPATIA_TEST_PG_USER} and
 * {@code HYPATIA_TEST_PG_PASSWORD} (environment or system properties of those names).
 * {@code .ci/postgres start DIR} starts a private one and prints them. Without it a test is
 * skipped with that hint, except on CI ({@code CI=true}), where it fails.
 *
 * <p>Each test gets a fresh database of its own, dropped afterwards. JUnit 5 tests call the methods
 * without a {@code skip} argument; others (the JUnit 4 integration tests, through this module's test
 * jar) pass their own way of skipping.
 */
public final class TestPostgres {
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private TestPostgres() {
    }

    private static String setting(String name) {
        String v = System.getProperty(name);
        return v != null && !v.isBlank() ? v : System.getenv(name);
    }

    /** The server's location (its administrative database), or skip / fail when none is configured. */
    public static PostgresStore.Location server() {
        return server(Assumptions::abort);
    }

    /**
     * The server's location (its administrative database). When none is configured: fails on CI, and
     * elsewhere hands {@code skip} the reason, which must end the test (skipping it).
     */
    public static PostgresStore.Location server(Consumer<String> skip) {
        String url = setting("HYPATIA_TEST_PG_URL");
        if (url == null || url.isBlank()) {
            String why = "HYPATIA_TEST_PG_URL is not set; start a test server with "
                    + "`eval \"$(.ci/postgres start /tmp/hypatia-pg)\"` to run the PostgreSQL store tests";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(why + " (CI=true: PostgreSQL is required)");
            }
            skip.accept(why);
            throw new IllegalStateException("skip did not end the test: " + why);
        }
        return PostgresStore.Location.parse(url);
    }

    public static PostgresStore.Credentials credentials() {
        String user = setting("HYPATIA_TEST_PG_USER");
        String password = setting("HYPATIA_TEST_PG_PASSWORD");
        return new PostgresStore.Credentials(user == null ? "postgres" : user, password == null ? "" : password);
    }

    /** A new, empty database on the test server. */
    public static Database createDatabase() {
        return createDatabase(Assumptions::abort);
    }

    /** A new, empty database on the test server; {@code skip} as in {@link #server(Consumer)}. */
    public static Database createDatabase(Consumer<String> skip) {
        PostgresStore.Location server = server(skip);
        String name = "hypatia_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        admin(server, "CREATE DATABASE " + name);
        return new Database(new PostgresStore.Location(server.host(), server.port(), name), server);
    }

    private static void admin(PostgresStore.Location server, String sql) {
        PostgresStore.Credentials c = credentials();
        try (Connection conn = DriverManager.getConnection(server.jdbcUrl(), c.user(), c.password());
             Statement s = conn.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("test PostgreSQL at " + server + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    /** A test's database: created when first opened, the same one when opened again, dropped by {@link #drop}. */
    public static final class PerTest {
        private Database database;

        public PostgresStore open() throws IOException {
            if (database == null) {
                database = createDatabase();
            }
            return database.open();
        }

        public void drop() {
            if (database != null) {
                database.drop();
                database = null;
            }
        }
    }

    /** A test's own database. */
    public record Database(PostgresStore.Location location, PostgresStore.Location server) {
        /** Opens a store on it (a second call is a restart, or a second gateway). */
        public PostgresStore open() throws IOException {
            return PostgresStore.open(location, credentials(), 8);
        }

        /** The URL {@code hypatia serve --store} takes. */
        public String url() {
            return location.toString();
        }

        /**
         * Drops it, ending the sessions still on it (a gateway a test left running). FORCE refuses
         * (insufficient privilege) when an autovacuum worker is on the database and the test role
         * is not a superuser; a plain DROP then asks the autovacuum worker to stop and waits for
         * it, as PostgreSQL does for autovacuum (a CI run hit this once).
         */
        public void drop() {
            try {
                admin(server, "DROP DATABASE IF EXISTS " + location.database() + " WITH (FORCE)");
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof SQLException sql) || !INSUFFICIENT_PRIVILEGE.equals(sql.getSQLState())) {
                    throw e;
                }
                admin(server, "DROP DATABASE IF EXISTS " + location.database());
            }
        }
    }
}
