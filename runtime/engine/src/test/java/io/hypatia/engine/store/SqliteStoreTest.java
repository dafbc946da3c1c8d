package io.hypatia.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The embedded store's writer: cached statements and checkpoints off the commit path, on a real SQLite file. */
class SqliteStoreTest {
    @TempDir
    Path dir;

    /** One row of a scratch table, as a statement write (the kind the writer keeps prepared). */
    private record ScratchRow(long x) implements Store.StatementWrite {
        @Override
        public String sql() {
            return "INSERT INTO scratch (x) VALUES (?)";
        }

        @Override
        public void bind(java.sql.PreparedStatement ps) throws SQLException {
            ps.setLong(1, x);
        }

        @Override
        public String table() {
            return "scratch";
        }
    }

    private static Store.StatementWrite row(long x) {
        return new ScratchRow(x);
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
            assertTrue(store.syncs() > 0, "with fsync on, the store syncs the log itself");
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

    /** Rows of the scratch table as another connection sees them: what SQLite has committed, synced or not. */
    private long committedRows() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("hypatia.db").toAbsolutePath());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM scratch")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A log sync that signals when it starts and waits for a permit to finish. */
    private static final class HeldSync implements CommitAcknowledger.LogSync {
        final Semaphore syncing = new Semaphore(0);
        final Semaphore release = new Semaphore(0);

        @Override
        public void sync() {
            syncing.release();
            release.acquireUninterruptibly();
        }

        /** Submits {@code write}, checks it is not acknowledged while its sync is held, then lets the sync end. */
        void acknowledgedOnlyAfterItsSync(SqliteStore store, Store.Write write) throws InterruptedException {
            CompletableFuture<Void> saved = store.submit(write);
            syncing.acquire(); // committed, its sync under way
            assertFalse(saved.isDone(), "acknowledged before its log was synced");
            release.release();
            saved.join();
        }
    }

    private static final Store.Write CREATE_SCRATCH = c -> c.createStatement().execute("CREATE TABLE scratch (x BIGINT)");

    @Test
    void theWriterAcknowledgesAChangeOnlyOnceItHasSyncedItsLog() throws Exception {
        HeldSync held = new HeldSync();
        try (SqliteStore store = SqliteStore.open(dir, true, held, false)) {
            held.acknowledgedOnlyAfterItsSync(store, CREATE_SCRATCH);
            held.acknowledgedOnlyAfterItsSync(store, row(1));
            assertEquals(1, committedRows());
        }
    }

    @Test
    void aChangeIsAcknowledgedOnlyOnceItsLogIsSyncedAndTheNextBatchCommitsMeanwhile() throws Exception {
        HeldSync held = new HeldSync();
        try (SqliteStore store = SqliteStore.open(dir, true, held, true)) {
            held.acknowledgedOnlyAfterItsSync(store, CREATE_SCRATCH);
            CompletableFuture<Void> first = store.submit(row(1));
            held.syncing.acquire(); // the first row's sync is held
            CompletableFuture<Void> second = store.submit(row(2));
            // The writer commits the second row while the first one's sync is still held.
            assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
                while (committedRows() < 2) {
                    Thread.sleep(10);
                }
            });
            assertFalse(first.isDone(), "acknowledged before its log was synced");
            assertFalse(second.isDone(), "acknowledged before its log was synced");
            held.release.release(2); // the first sync, then one covering the second row
            first.join();
            second.join();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void afterAFailedSyncNothingIsAcknowledged(boolean besideWriter) throws Exception {
        boolean[] fail = {false};
        CommitAcknowledger.LogSync failing = () -> {
            if (fail[0]) {
                throw new IOException("simulated EIO");
            }
        };
        try (SqliteStore store = SqliteStore.open(dir, true, failing, besideWriter)) {
            store.submit(CREATE_SCRATCH).join();
            fail[0] = true;
            CompletionException failed = assertThrows(CompletionException.class, () -> store.submit(row(1)).join());
            assertTrue(failed.getCause().getMessage().contains("could not be synced"), failed.getCause().getMessage());
            fail[0] = false; // a later sync that would succeed must not acknowledge anything either
            assertThrows(CompletionException.class, () -> store.submit(row(2)).join());
        }
    }
}
