package io.hypatia.engine.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The write path of a {@link PostgresStore} study transaction at commit: its held writes applied
 * with the effect of applying them in order, in as few round trips as that allows.
 */
final class BatchedWrites {
    private BatchedWrites() {
    }

    /**
     * Applies {@code writes} with the effect of applying them in order, sending {@link Store.StatementWrite}s
     * of one text as one batch: a statement joins the open batch of its text when every batch opened
     * after that one is on another table (so moving it ahead changes nothing); other writes run
     * after the open batches.
     */
    static void apply(Connection c, List<? extends Store.Write> writes) throws SQLException {
        List<Batch> open = new ArrayList<>();
        for (Store.Write w : writes) {
            if (!(w instanceof Store.StatementWrite st)) {
                flush(c, open);
                w.apply(c);
                continue;
            }
            Batch joined = null;
            for (int i = open.size() - 1; i >= 0; i--) {
                Batch b = open.get(i);
                if (b.sql.equals(st.sql())) {
                    joined = b;
                    break;
                }
                if (st.table() == null || st.table().equals(b.table)) {
                    break; // it may not move ahead of this batch
                }
            }
            if (joined == null) {
                joined = new Batch(st.sql(), st.table());
                open.add(joined);
            }
            joined.statements.add(st);
        }
        flush(c, open);
    }

    /** Statements of one text, applied in one round trip. */
    private static final class Batch {
        final String sql;
        final String table;
        final List<Store.StatementWrite> statements = new ArrayList<>();

        Batch(String sql, String table) {
            this.sql = sql;
            this.table = table;
        }
    }

    private static void flush(Connection c, List<Batch> open) throws SQLException {
        for (Batch b : open) {
            try (PreparedStatement ps = c.prepareStatement(b.sql)) {
                if (b.statements.size() == 1) {
                    b.statements.get(0).bind(ps);
                    ps.executeUpdate();
                    continue;
                }
                for (Store.StatementWrite st : b.statements) {
                    st.bind(ps);
                    ps.addBatch();
                }
                ps.executeBatch(); // one round trip for the whole batch
            }
        }
        open.clear();
    }
}
