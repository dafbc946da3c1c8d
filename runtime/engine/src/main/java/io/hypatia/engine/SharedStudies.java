package io.hypatia.engine;

import io.hypatia.engine.store.PostgresStore;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The studies of a shared store as this gateway sees them: finds those other gateways created,
 * forgets those they deleted, lists them all, and counts a tenant's RUNNING trials in the database.
 * A study learned here is registered unread: the guard reads its trials on first use.
 */
final class SharedStudies {
    private final PostgresStore store;
    private final SharedListing listing;
    private final StudyRegistry registry;
    private final Function<String, AtomicInteger> tenantRunning;

    SharedStudies(PostgresStore store, StudyRegistry registry, Function<String, AtomicInteger> tenantRunning) {
        this.store = store;
        this.listing = new SharedListing(store);
        this.registry = registry;
        this.tenantRunning = tenantRunning;
    }

    /**
     * The study named {@code name} as the store has it, or null; registered here when
     * {@code register} (else a detached copy, only to test that it exists).
     */
    StudyState find(String name, boolean register) {
        StudySpec[] spec = {null};
        long[] idAndCreated = new long[2];
        try {
            store.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT study_id, spec, created_at FROM studies WHERE name = ?")) {
                    ps.setString(1, name);
                    try (var rs = ps.executeQuery()) {
                        if (rs.next()) {
                            idAndCreated[0] = rs.getLong(1);
                            spec[0] = Json.spec(Json.read(rs.getString(2)));
                            idAndCreated[1] = rs.getLong(3);
                        }
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw new EngineException(EngineException.Code.UNAVAILABLE, null, "the store could not be read: " + e);
        }
        if (spec[0] == null || !register) {
            return spec[0] == null ? null : new StudyState(idAndCreated[0], spec[0], idAndCreated[1], tenantRunning.apply(name));
        }
        StudyState found = new StudyState(idAndCreated[0], spec[0], idAndCreated[1], tenantRunning.apply(name));
        found.unread();
        return registry.putIfAbsent(name, found);
    }

    /**
     * The listing from one query (rows and trial counts, not the studies' trials); learns the
     * studies other gateways created and forgets those they deleted.
     */
    List<StudyInfo> list() {
        List<SharedListing.Row> rows = listing.read();
        Map<String, Long> inStore = new HashMap<>();
        rows.forEach(r -> inStore.put(r.name(), r.id()));
        forgetDeleted(inStore);
        List<StudyInfo> out = new ArrayList<>(rows.size());
        for (SharedListing.Row r : rows) {
            StudyState s = registry.get(r.name());
            if (s == null) {
                StudyState found = new StudyState(r.id(), r.spec(), r.createdAt(), tenantRunning.apply(r.name()));
                found.unread();
                s = registry.putIfAbsent(r.name(), found);
            }
            out.add(new StudyInfo(r.id(), r.spec(), r.createdAt(), r.counts(), s.id == r.id() ? s.pluginFallbacks.get() : 0));
        }
        return out;
    }

    /** Learns the studies other gateways created and forgets those they deleted. */
    void sync() {
        Map<String, Long> inStore = new HashMap<>();
        try {
            store.read("SELECT name, study_id FROM studies", rs -> {
                while (rs.next()) {
                    inStore.put(rs.getString(1), rs.getLong(2));
                }
                return null;
            });
        } catch (SQLException e) {
            throw new EngineException(EngineException.Code.UNAVAILABLE, null, "the store could not be read: " + e);
        }
        forgetDeleted(inStore);
        inStore.keySet().forEach(name -> {
            if (registry.get(name) == null) {
                find(name, true);
            }
        });
    }

    /** Drops the studies not in the store under their id (deleted, or deleted and created again, elsewhere). */
    private void forgetDeleted(Map<String, Long> inStore) {
        for (StudyState s : List.copyOf(registry.values())) {
            Long id = inStore.get(s.spec.name());
            if (id == null || id != s.id) {
                synchronized (s) {
                    forget(s);
                }
            }
        }
    }

    /** Drops a study deleted through another gateway; hold its lock. */
    void forget(StudyState s) {
        s.deleted = true;
        registry.remove(s.spec.name(), s);
    }

    /** RUNNING trials over all studies of {@code tenant} ("" for studies without one), counted in the database. */
    int runningTrials(String tenant) {
        try {
            return store.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM trials t JOIN studies s ON s.study_id = t.study_id"
                        + " WHERE t.state = 'RUNNING' AND " + (tenant.isEmpty() ? "POSITION('.' IN s.name) = 0" : "s.name LIKE ?"))) {
                    if (!tenant.isEmpty()) {
                        ps.setString(1, tenant.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ".%");
                    }
                    try (var rs = ps.executeQuery()) {
                        return rs.next() ? rs.getInt(1) : 0;
                    }
                }
            });
        } catch (SQLException e) {
            throw new EngineException(EngineException.Code.UNAVAILABLE, null, "the store could not be read: " + e);
        }
    }
}
