package io.hypatia.engine;

/** Every test of {@link MultiFidelityProtocolTest}, on a PostgreSQL store (a fresh database per test). */
class MultiFidelityProtocolPostgresTest extends MultiFidelityProtocolTest {
    @Override
    boolean onPostgres() {
        return true;
    }
}
