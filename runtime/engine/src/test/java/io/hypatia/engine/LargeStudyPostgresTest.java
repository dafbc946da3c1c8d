package io.hypatia.engine;

import io.hypatia.engine.store.Store;
import io.hypatia.engine.store.TestPostgres;
import org.junit.jupiter.api.AfterEach;

/** Every test of {@link LargeStudyTest}, on a PostgreSQL store (a fresh database per test). */
class LargeStudyPostgresTest extends LargeStudyTest {
    private final TestPostgres.PerTest database = new TestPostgres.PerTest();

    @Override
    Store openStore() throws Exception {
        return database.open();
    }

    // Annotated again: JUnit does not run a superclass's @AfterEach method that a subclass overrides
    // unannotated, which left every test's database and connection pool behind.
    @Override
    @AfterEach
    void stop() {
        try {
            super.stop();
        } finally {
            database.drop();
        }
    }
}
