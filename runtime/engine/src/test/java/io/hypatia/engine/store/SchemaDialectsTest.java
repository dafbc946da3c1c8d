package io.hypatia.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store's tables ({@link Schema}: DDL plus added columns) and the PostgreSQL store's
 * ({@code store/postgresql/V*.sql}) are two dialects of one schema. Both stores are opened for real and
 * their column lists read back from the databases, so a column added to one and not the other fails here.
 */
class SchemaDialectsTest {
    /** What only the shared store has: the study version and trial change sequence its gateways sync by. */
    private static final Map<String, Set<String>> SHARED_STORE_ONLY = Map.of("studies", Set.of("version"), "trials", Set.of("change_seq"));
    /** Flyway's own table in the PostgreSQL database. */
    private static final String MIGRATION_HISTORY = "hypatia_schema_history";

    @TempDir
    Path dir;

    /** One column as both dialects can state it: type, NOT NULL, default, and place in the primary key. */
    record Column(String type, boolean notNull, String defaultValue, int primaryKeyPosition) {
    }

    @Test
    void bothStoresDefineTheSameTablesAndColumns() throws Exception {
        Map<String, Map<String, Column>> sqlite = sqliteTables();
        TestPostgres.PerTest pg = new TestPostgres.PerTest();
        try {
            Map<String, Map<String, Column>> postgres = postgresTables(pg);
            postgres.remove(MIGRATION_HISTORY);
            SHARED_STORE_ONLY.forEach((table, columns) -> columns.forEach(c -> {
                Column dropped = postgres.get(table).remove(c);
                if (dropped == null) {
                    throw new AssertionError("the PostgreSQL store no longer has " + table + "." + c + ": update SHARED_STORE_ONLY");
                }
            }));
            assertEquals(sqlite.keySet(), postgres.keySet(), "tables");
            for (String table : sqlite.keySet()) {
                assertEquals(sqlite.get(table), postgres.get(table), "columns of " + table
                        + " (SQLite: store/Schema.java; PostgreSQL: store/postgresql/V*.sql)");
            }
        } finally {
            pg.drop();
        }
    }

    /** The embedded store's tables as a fresh store creates them in its file. */
    private Map<String, Map<String, Column>> sqliteTables() throws Exception {
        SqliteStore.open(dir, false).close();
        Map<String, Map<String, Column>> tables = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("hypatia.db").toAbsolutePath());
             Statement s = c.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            for (String table : names) {
                Map<String, Column> columns = new TreeMap<>();
                try (ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
                    while (rs.next()) {
                        int pk = rs.getInt("pk");
                        // a primary key is NOT NULL in PostgreSQL; SQLite only says so when declared
                        columns.put(rs.getString("name"), new Column(rs.getString("type").toUpperCase(Locale.ROOT),
                                rs.getBoolean("notnull") || pk > 0, normalDefault(rs.getString("dflt_value")), pk));
                    }
                }
                tables.put(table, columns);
            }
        }
        return tables;
    }

    /** The PostgreSQL store's tables as its migrations created them. */
    private static Map<String, Map<String, Column>> postgresTables(TestPostgres.PerTest pg) throws Exception {
        PostgresStore.Location at;
        try (PostgresStore store = pg.open()) {
            at = store.location();
        }
        PostgresStore.Credentials login = TestPostgres.credentials();
        Map<String, Map<String, Column>> tables = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(at.jdbcUrl(), login.user(), login.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT c.table_name, c.column_name, c.data_type, c.character_maximum_length, c.is_nullable,
                            c.column_default, k.ordinal_position AS pk
                     FROM information_schema.columns c
                     LEFT JOIN information_schema.table_constraints t
                       ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.constraint_type = 'PRIMARY KEY'
                     LEFT JOIN information_schema.key_column_usage k
                       ON k.constraint_name = t.constraint_name AND k.table_schema = c.table_schema
                      AND k.table_name = c.table_name AND k.column_name = c.column_name
                     WHERE c.table_schema = 'public'""")) {
            while (rs.next()) {
                String type = rs.getString("data_type").toUpperCase(Locale.ROOT);
                if (type.equals("CHARACTER VARYING")) {
                    type = "VARCHAR(" + rs.getInt("character_maximum_length") + ")";
                }
                tables.computeIfAbsent(rs.getString("table_name"), t -> new TreeMap<>()).put(rs.getString("column_name"),
                        new Column(type, rs.getString("is_nullable").equals("NO"), normalDefault(rs.getString("column_default")), rs.getInt("pk")));
            }
        }
        return tables;
    }

    /** A default as both dialects print it: PostgreSQL's cast ({@code '-1'::double precision}) and a number's quotes dropped. */
    static String normalDefault(String sql) {
        if (sql == null) {
            return null;
        }
        String v = sql.replaceFirst("::[a-z ]+$", "");
        if (v.matches("'-?[0-9.]+'")) {
            v = v.substring(1, v.length() - 1);
        }
        return v;
    }
}
