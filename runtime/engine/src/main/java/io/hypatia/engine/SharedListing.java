package io.hypatia.engine;

import io.hypatia.api.study.TrialState;
import io.hypatia.engine.store.PostgresStore;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ListStudies on a shared store: every study's row and its trial counts per state in one query,
 * instead of a guarded transaction per study that reads its trials (which a listing does not show).
 * Specs are parsed only when their stored text changed since the last listing.
 */
final class SharedListing {
    /** One listed study as the store has it. */
    record Row(long id, String name, StudySpec spec, long createdAt, Map<TrialState, Integer> counts) {
    }

    private record Parsed(String json, StudySpec spec) {
    }

    private final PostgresStore store;
    private final Map<Long, Parsed> specs = new ConcurrentHashMap<>();

    SharedListing(PostgresStore store) {
        this.store = store;
    }

    /** Every study in the store, by id. */
    List<Row> read() {
        List<Row> rows = new ArrayList<>();
        try {
            store.read("""
                    SELECT s.study_id, s.name, s.spec, s.created_at, t.state, count(t.trial_id)
                    FROM studies s LEFT JOIN trials t ON t.study_id = s.study_id
                    GROUP BY s.study_id, t.state ORDER BY s.study_id""", rs -> {
                Row row = null;
                while (rs.next()) {
                    long id = rs.getLong(1);
                    if (row == null || row.id() != id) {
                        row = new Row(id, rs.getString(2), spec(id, rs.getString(3)), rs.getLong(4), zeroCounts());
                        rows.add(row);
                    }
                    String state = rs.getString(5);
                    if (state != null) {
                        row.counts().put(TrialState.valueOf(state), rs.getInt(6));
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw new EngineException(EngineException.Code.UNAVAILABLE, null, "the store could not be read: " + e);
        }
        if (specs.size() > rows.size()) { // studies deleted since: drop their parsed specs
            specs.keySet().retainAll(rows.stream().map(Row::id).toList());
        }
        return rows;
    }

    private StudySpec spec(long id, String json) {
        Parsed p = specs.get(id);
        if (p == null || !p.json().equals(json)) {
            p = new Parsed(json, Json.spec(Json.read(json)));
            specs.put(id, p);
        }
        return p.spec();
    }

    private static Map<TrialState, Integer> zeroCounts() {
        Map<TrialState, Integer> counts = new EnumMap<>(TrialState.class);
        for (TrialState s : TrialState.values()) {
            counts.put(s, 0);
        }
        return counts;
    }
}
