package io.hypatia.engine.store;

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
            """
            CREATE TABLE IF NOT EXISTS intermediate_values (
              trial_id BIGINT NOT NULL,
              seq      INTEGER NOT NULL,
              step     DOUBLE PRECISION NOT NULL,
              value    DOUBLE PRECISION NOT NULL,
              PRIMARY KEY (trial_id, seq)
            )""");
}
