package io.hypatia.engine;

/** Every test of {@link LazyStudiesTest}, on a PostgreSQL store (a fresh database per test). */
class LazyStudiesPostgresTest extends LazyStudiesTest {
    @Override
    boolean onPostgres() {
        return true;
    }
}
