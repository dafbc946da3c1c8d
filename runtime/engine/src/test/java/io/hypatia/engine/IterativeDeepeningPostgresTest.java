package io.hypatia.engine;

/** Every test of {@link IterativeDeepeningTest}, on a PostgreSQL store (a fresh database per test). */
class IterativeDeepeningPostgresTest extends IterativeDeepeningTest {
    @Override
    boolean onPostgres() {
        return true;
    }
}
