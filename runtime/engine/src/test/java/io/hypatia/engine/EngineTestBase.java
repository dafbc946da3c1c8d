package io.hypatia.engine;

import io.hypatia.engine.store.Store;
import io.hypatia.engine.store.TestPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every engine test sets up: a real store, the test plugins and an engine over them, and a
 * restart that closes both and reopens the same store. On SQLite by default; a subclass that
 * answers {@link #onPostgres()} with true runs the same tests on PostgreSQL, a fresh database per
 * test (skipped without a test server, failed on CI: see {@link TestPostgres}).
 */
abstract class EngineTestBase {
    @TempDir
    Path dir;
    Store store;
    TestPlugins plugins;
    StudyEngine engine;
    private TestPostgres.PerTest database;

    boolean onPostgres() {
        return false;
    }

    /** Registers a test class's own plugins before the engine starts. */
    void addPlugins(TestPlugins plugins) {
    }

    @BeforeEach
    final void startEngine() throws Exception {
        database = onPostgres() ? new TestPostgres.PerTest() : null;
        plugins = new TestPlugins();
        addPlugins(plugins);
        store = openStore();
        engine = new StudyEngine(store, plugins);
    }

    /** Opens the store the engine is tested on; called again, the same store after a restart. */
    final Store openStore() throws Exception {
        return database != null ? database.open() : Store.open(dir, false);
    }

    final void restart() throws Exception {
        engine.close();
        store.close();
        store = openStore();
        engine = new StudyEngine(store, plugins);
    }

    // Runs after the subclass's own @AfterEach methods (JUnit's order for inherited callbacks).
    @AfterEach
    final void stopEngine() {
        try {
            if (engine != null) {
                engine.close();
            }
            if (store != null) {
                store.close();
            }
        } finally {
            if (database != null) {
                database.drop();
            }
        }
    }
}
