package io.hypatia.engine;

import io.hypatia.engine.store.Store;
import io.hypatia.engine.store.TestPostgres;

/** Every test of {@link StudyEngineTest}, on a PostgreSQL store (a fresh database per test). */
class StudyEnginePostgresTest extends StudyEngineTest {
    private TestPostgres.Database database;

    @Override
    Store openStore() throws Exception {
        if (database == null) {
            database = TestPostgres.createDatabase();
        }
        return database.open();
    }

    @Override
    void stop() {
        try {
            super.stop();
        } finally {
            if (database != null) {
                database.drop();
            }
        }
    }
}
