package io.hypatia.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store's writer: cached statements and checkpoints off the commit path, on a real SQLite file. */
class SqliteStoreTest {
    @TempDir
    Path dir;

    /** One row of a scratch table, as a statement write (the kind the writer keeps prepared). */
    private static Store.StatementWrite row(long x) {
        return Store.StatementWrite.of("INSERT INTO scratch (x) VALUES (?)", "scratch", ps -> ps.setLong(1, x));
    }

    private static long rows(Store store) throws SQLException {
        return store.read("SELECT COUNT(*), COALESCE(SUM(x), 0) FROM scratch", rs -> {
            rs.next();
            return rs.getLong(1) * 1_000_000 + rs.getLong(2);
        });
    }

    @Test
    void statementWritesSharingOnePreparedStatementAreAllCommittedAndSurviveARestart() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir, true)) {
            store.submit(c -> c.createStatement().execute("CREATE TABLE scratch (x BIGINT)")).join();
            List<CompletableFuture<Void>> saved = new ArrayList<>();
            for (int i = 1; i <= 300; i++) { // queued together: batches where one statement is bound many times
                saved.add(store.submit(row(i)));
            }
            saved.forEach(CompletableFuture::join);
            store.submit(row(1000)).join(); // alone in its batch, after the others
        }
        try (SqliteStore store = SqliteStore.open(dir, true)) {
            assertEquals(301 * 1_000_000L + 300 * 301 / 2 + 1000, rows(store));
        }
    }

    @Test
    void theLogIsCheckpointedBesideTheWriterAndTheWriterOnlyCheckpointsALargeLog() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir, false)) {
            assertEquals(SqliteStore.INLINE_CHECKPOINT_FRAMES, (int) store.read("PRAGMA wal_autocheckpoint", rs -> rs.getInt(1)));
            store.submit(c -> c.createStatement().execute("CREATE TABLE scratch (x BIGINT)")).join();
            for (int i = 1; i <= 2 * SqliteStore.CHECKPOINT_EVERY_COMMITS; i++) {
                store.submit(row(i)).join(); // one commit each
            }
            // The writer signals the checkpointer after every CHECKPOINT_EVERY_COMMITS commits; it runs on its own thread.
            assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
                while (store.checkpoints() == 0) {
                    Thread.sleep(10);
                }
            });
            assertTrue(store.lastCheckpointedFrames() > 0, "the background checkpoint copied no page");
        }
        try (SqliteStore store = SqliteStore.open(dir, false)) {
            int n = 2 * SqliteStore.CHECKPOINT_EVERY_COMMITS;
            assertEquals(n * 1_000_000L + (long) n * (n + 1) / 2, rows(store));
        }
    }
}
