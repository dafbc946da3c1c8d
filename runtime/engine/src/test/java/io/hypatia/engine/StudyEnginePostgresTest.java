package io.hypatia.engine;

import io.hypatia.engine.store.Store;
import io.hypatia.engine.store.TestPostgres;

/** Every test of {@link StudyEngineTest}, on a PostgreSQL store (a fresh database per test). */
class StudyEnginePostgresTest extends StudyEngineTest {
    private final TestPostgres.PerTest database = new TestPostgres.PerTest();

    @Override
    Store openStore() throws Exception {
        return database.open();
    }

    @Override
    void stop() {
        try {
            super.stop();
        } finally {
            database.drop();
        }
    }
}
