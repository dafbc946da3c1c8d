package io.hypatia.engine;

import io.hypatia.api.study.TrialState;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The studies this process knows, by name. Studies read at start-up from the embedded store may
 * still have their spec as JSON text: parsing thousands of specs is most of a restart's cost, so
 * each is parsed when the study is first used (or listed) and only then becomes a
 * {@link StudyState}. Studies with RUNNING trials are parsed at start (their leases are watched),
 * so every unparsed study has none.
 */
final class StudyRegistry {
    private final Map<String, StudyState> byName = new ConcurrentHashMap<>();
    private final Map<String, Unparsed> unparsed = new ConcurrentHashMap<>();
    /** The RUNNING-trials counter of a study's tenant, by study name. */
    private final Function<String, AtomicInteger> tenantRunning;

    private record Unparsed(long id, String specJson, long createdAt, Map<TrialState, Integer> counts) {
    }

    StudyRegistry(Function<String, AtomicInteger> tenantRunning) {
        this.tenantRunning = tenantRunning;
    }

    /** The study named {@code name} if its spec is parsed, else null (see {@link #parsed}). */
    StudyState get(String name) {
        return byName.get(name);
    }

    /** Registers a new study; false when one of that name exists, parsed or not. */
    boolean add(String name, StudyState state) {
        return !unparsed.containsKey(name) && byName.putIfAbsent(name, state) == null;
    }

    /** Registers {@code state} unless a study of that name is there; returns the registered one. */
    StudyState putIfAbsent(String name, StudyState state) {
        StudyState raced = byName.putIfAbsent(name, state);
        return raced != null ? raced : state;
    }

    void remove(String name, StudyState state) {
        byName.remove(name, state);
    }

    /** A study stored in the embedded store, read at start-up: parsed at once only when it has RUNNING trials. */
    void addStored(long id, String name, String specJson, long createdAt, Map<TrialState, Integer> counts) {
        if (counts.getOrDefault(TrialState.RUNNING, 0) > 0) {
            byName.put(name, StudyState.stored(id, Json.spec(Json.read(specJson)), createdAt, tenantRunning.apply(name), counts));
        } else {
            unparsed.put(name, new Unparsed(id, specJson, createdAt, counts));
        }
    }

    /**
     * The study named {@code name}, its spec parsed and registered now if it was left unparsed at
     * start-up (once, also when several calls ask at once); null when there is none.
     */
    StudyState parsed(String name) {
        if (!unparsed.containsKey(name)) {
            return byName.get(name); // parsed meanwhile, or never stored
        }
        // Parsed and taken out of unparsed inside byName's atomic step, so a create of the same name
        // (which checks unparsed, then byName) and a delete (which needs it in byName) see one study.
        return byName.computeIfAbsent(name, n -> {
            Unparsed row = unparsed.get(n);
            if (row == null) {
                return null;
            }
            StudyState s = StudyState.stored(row.id(), Json.spec(Json.read(row.specJson())), row.createdAt(), tenantRunning.apply(n), row.counts());
            unparsed.remove(n);
            return s;
        });
    }

    /** Parses every study still unparsed. */
    void parseAll() {
        List.copyOf(unparsed.keySet()).forEach(this::parsed);
    }

    /** The studies whose spec is parsed (those left unparsed have no RUNNING trial and nothing in memory). */
    Collection<StudyState> values() {
        return byName.values();
    }

    int unparsedCount() {
        return unparsed.size();
    }

    /** How many studies this process knows and how many trials they hold, without parsing any spec or reading any trial. */
    StudyEngine.StudyTotals totals() {
        long trials = 0;
        int studies = 0;
        for (StudyState s : byName.values()) {
            synchronized (s) {
                trials += sum(s.counts());
            }
            studies++;
        }
        for (Unparsed u : unparsed.values()) {
            trials += sum(u.counts());
            studies++;
        }
        return new StudyEngine.StudyTotals(studies, trials);
    }

    /** A plain loop, not a stream: run once per study at start, mostly by the interpreter. */
    private static long sum(Map<TrialState, Integer> counts) {
        long n = 0;
        for (int c : counts.values()) {
            n += c;
        }
        return n;
    }
}
