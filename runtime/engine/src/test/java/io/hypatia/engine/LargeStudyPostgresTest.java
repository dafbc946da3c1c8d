package io.hypatia.engine;

/** Every test of {@link LargeStudyTest}, on a PostgreSQL store (a fresh database per test). */
class LargeStudyPostgresTest extends LargeStudyTest {
    @Override
    boolean onPostgres() {
        return true;
    }
}
