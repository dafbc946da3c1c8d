package io.hypatia.engine;

/** Every test of {@link StudyEngineTest}, on a PostgreSQL store (a fresh database per test). */
class StudyEnginePostgresTest extends StudyEngineTest {
    @Override
    boolean onPostgres() {
        return true;
    }
}
