package io.hypatia.engine.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** Tables of the store, in SQL that SQLite and PostgreSQL both accept. */
final class Schema {
    private Schema() {
    }

    static final List<String> DDL = List.of(
            """
            CREATE TABLE IF NOT EXISTS studies (
              study_id   BIGINT PRIMARY KEY,
              name       VARCHAR(128) NOT NULL UNIQUE,
              spec       TEXT NOT NULL,
              created_at BIGINT NOT NULL
            )""",
            """
            CREATE TABLE IF NOT EXISTS trials (
              trial_id         BIGINT PRIMARY KEY,
              study_id         BIGINT NOT NULL,
              number           INTEGER NOT NULL,
              state            VARCHAR(16) NOT NULL,
              config           TEXT NOT NULL,
              trial_values     TEXT NOT NULL,
              constraint_values TEXT NOT NULL,
              budget           DOUBLE PRECISION NOT NULL,
              attributes       TEXT NOT NULL,
              fail_reason      TEXT NOT NULL,
              worker           TEXT NOT NULL,
              lease_expires_at BIGINT NOT NULL,
              created_at       BIGINT NOT NULL,
              finished_at      BIGINT NOT NULL,
              attempts         INTEGER NOT NULL,
              tell_request_id  TEXT NOT NULL
            )""",
            "CREATE INDEX IF NOT EXISTS trials_by_study ON trials (study_id, number)",
            // Trial counts per study and state (read at every start) from this index alone: without it
            // that query reads every trial row (about 140 ms for 100,000 trials).
            "CREATE INDEX IF NOT EXISTS trials_by_study_state ON trials (study_id, state)",
            """
            CREATE TABLE IF NOT EXISTS intermediate_values (
              trial_id BIGINT NOT NULL,
              seq      INTEGER NOT NULL,
              step     DOUBLE PRECISION NOT NULL,
              value    DOUBLE PRECISION NOT NULL,
              PRIMARY KEY (trial_id, seq)
            )""",
            // The largest study and trial ids ever handed out, kept when their rows are deleted,
            // so an id never names two different things (a client holding an old id gets NOT_FOUND).
            """
            CREATE TABLE IF NOT EXISTS id_high_water (
              kind    VARCHAR(16) PRIMARY KEY,
              last_id BIGINT NOT NULL
            )""");

    /** A column added after the first release: added to an older store when missing. */
    record Column(String table, String name, String definition) {
    }

    /** Columns added since the tables above were first created; applied in order on open. */
    static final List<Column> ADDED_COLUMNS = List.of(
            new Column("trials", "lease_losses", "INTEGER NOT NULL DEFAULT 0"),
            new Column("trials", "checkpoint", "TEXT NOT NULL DEFAULT ''"),
            new Column("trials", "checkpoint_step", "DOUBLE PRECISION NOT NULL DEFAULT -1"),
            new Column("trials", "parent_trial_id", "BIGINT NOT NULL DEFAULT 0"),
            new Column("trials", "parent_step", "DOUBLE PRECISION NOT NULL DEFAULT 0"),
            new Column("trials", "decisions", "TEXT NOT NULL DEFAULT '[]'"),
            new Column("intermediate_values", "attempt", "INTEGER NOT NULL DEFAULT 0"),
            new Column("intermediate_values", "abandoned", "INTEGER NOT NULL DEFAULT 0"));

    /** Creates the tables and adds any column an older store lacks. */
    static void apply(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String ddl : DDL) {
                s.execute(ddl);
            }
            for (Column col : ADDED_COLUMNS) {
                if (!hasColumn(s, col.table(), col.name())) {
                    s.execute("ALTER TABLE " + col.table() + " ADD COLUMN " + col.name() + " " + col.definition());
                }
            }
        }
    }

    private static boolean hasColumn(Statement s, String table, String column) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                if (md.getColumnName(i).equalsIgnoreCase(column)) {
                    return true;
                }
            }
            return false;
        }
    }
}
