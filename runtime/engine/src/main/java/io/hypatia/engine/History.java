package io.hypatia.engine;

import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A study's trials as plugins see them (immutable {@link Trial} snapshots in creation order),
 * plus indexes the hot paths need, all kept up to date incrementally from each trial's change
 * notice: which trials wait in the queue, which run, and how many are in each state. A changed
 * trial marks its slot; only marked slots are re-snapshotted when plugins next look. Guarded by
 * the owning study's lock.
 */
final class History {
    private final List<TrialRecord> records = new ArrayList<>();
    private Trial[] snapshots = new Trial[16];
    private TrialState[] states = new TrialState[16];
    private final BitSet stale = new BitSet();
    private final TreeSet<Integer> waiting = new TreeSet<>();
    private final TreeSet<Integer> running = new TreeSet<>();
    private final Map<TrialState, Integer> counts = new EnumMap<>(TrialState.class);

    History() {
        for (TrialState s : TrialState.values()) {
            counts.put(s, 0);
        }
    }

    void add(TrialRecord t) {
        if (records.size() == snapshots.length) {
            snapshots = Arrays.copyOf(snapshots, snapshots.length * 2);
            states = Arrays.copyOf(states, states.length * 2);
        }
        records.add(t);
        changed(t);
    }

    void changed(TrialRecord t) {
        int i = t.number;
        stale.set(i);
        TrialState before = states[i];
        if (before == t.state) {
            return;
        }
        if (before != null) {
            counts.merge(before, -1, Integer::sum);
        }
        counts.merge(t.state, 1, Integer::sum);
        states[i] = t.state;
        index(waiting, i, t.state == TrialState.WAITING);
        index(running, i, t.state == TrialState.RUNNING);
    }

    private static void index(TreeSet<Integer> set, int i, boolean member) {
        if (member) {
            set.add(i);
        } else {
            set.remove(i);
        }
    }

    /** An immutable copy of the current snapshots. */
    List<Trial> trials() {
        for (int i = stale.nextSetBit(0); i >= 0; i = stale.nextSetBit(i + 1)) {
            snapshots[i] = records.get(i).trial();
        }
        stale.clear();
        return Collections.unmodifiableList(Arrays.asList(Arrays.copyOf(snapshots, records.size())));
    }

    /** The first WAITING trial in creation order, or null. */
    TrialRecord firstWaiting() {
        return waiting.isEmpty() ? null : records.get(waiting.first());
    }

    /** The RUNNING trials, in creation order (a copy). */
    List<TrialRecord> running() {
        List<TrialRecord> out = new ArrayList<>(running.size());
        running.forEach(i -> out.add(records.get(i)));
        return out;
    }

    /** How many trials are in each state (a copy). */
    Map<TrialState, Integer> counts() {
        return new EnumMap<>(counts);
    }
}
