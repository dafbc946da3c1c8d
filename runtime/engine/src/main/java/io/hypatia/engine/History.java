package io.hypatia.engine;

import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialList;
import io.hypatia.api.study.TrialState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.IntConsumer;

/**
 * A study's trials as plugins see them (immutable {@link Trial} snapshots in creation order),
 * plus indexes the hot paths need, all kept up to date incrementally from each trial's change
 * notice: which trials wait in the queue, which run, and how many are in each state. A changed
 * trial marks its slot; only marked slots are re-snapshotted when plugins next look, into a
 * {@link TrialList} that shares everything else with the previous view, so a look costs the
 * changed trials times log32(n), not n. Guarded by the owning study's lock.
 */
final class History {
    private final List<TrialRecord> records = new ArrayList<>();
    private TrialList snapshots = TrialList.of();
    private TrialState[] states = new TrialState[16];
    /** Slots changed since plugins last looked: membership, and the slots themselves in order of change. */
    private final BitSet stale = new BitSet();
    private int[] staleSlots = new int[16];
    private int staleCount;
    private final TreeSet<Integer> waiting = new TreeSet<>();
    private final TreeSet<Integer> running = new TreeSet<>();
    private final Map<TrialState, Integer> counts = new EnumMap<>(TrialState.class);
    /** The best trials so far; each COMPLETE trial is offered once (its values never change while it stays COMPLETE). */
    private final ParetoFront best;
    private final BitSet offered = new BitSet();
    /** Told +1 / -1 when a trial starts or stops RUNNING (the tenant's running-trials count). */
    private IntConsumer runningChanges = delta -> { };

    History(List<Objective> objectives) {
        this.best = new ParetoFront(objectives);
        for (TrialState s : TrialState.values()) {
            counts.put(s, 0);
        }
    }

    void add(TrialRecord t) {
        if (records.size() == states.length) {
            states = Arrays.copyOf(states, states.length * 2);
        }
        records.add(t);
        changed(t);
    }

    void changed(TrialRecord t) {
        int i = t.number;
        if (!stale.get(i)) {
            stale.set(i);
            if (staleCount == staleSlots.length) {
                staleSlots = Arrays.copyOf(staleSlots, staleCount * 2);
            }
            staleSlots[staleCount++] = i;
        }
        TrialState before = states[i];
        if (before == t.state) {
            return;
        }
        if (before == TrialState.COMPLETE && offered.get(i)) {
            // Reopened by a raise of the max budget (Iterative Deepening): its value at the old
            // max is no result any more, so the front is rebuilt without it (once per continued trial).
            offered.clear(i);
            best.clear();
            for (TrialRecord r : records) {
                if (offered.get(r.number)) {
                    best.offer(r);
                }
            }
        }
        if (t.state == TrialState.COMPLETE && !offered.get(i) && feasible(t)) {
            offered.set(i);
            best.offer(t);
        }
        if (before != null) {
            counts.merge(before, -1, Integer::sum);
        }
        counts.merge(t.state, 1, Integer::sum);
        states[i] = t.state;
        if (before == TrialState.RUNNING) {
            runningChanges.accept(-1);
        } else if (t.state == TrialState.RUNNING) {
            runningChanges.accept(1);
        }
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

    /** The current snapshots, immutable; later changes make a new list and leave this one as it is. */
    TrialList trials() {
        if (staleCount > 0) {
            // Ascending, so new trials are appended in number order.
            Arrays.sort(staleSlots, 0, staleCount);
            for (int k = 0; k < staleCount; k++) {
                int i = staleSlots[k];
                snapshots = snapshots.with(i, records.get(i).trial());
                stale.clear(i);
            }
            staleCount = 0;
        }
        return snapshots;
    }

    /** From now on, tells {@code listener} +1 / -1 as trials start and stop RUNNING. */
    void watchRunning(IntConsumer listener) {
        runningChanges = listener;
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

    /** The best feasible COMPLETE trial, or for several objectives every non-dominated feasible one, in creation order. */
    List<TrialRecord> best() {
        return best.members();
    }

    private static boolean feasible(TrialRecord t) {
        for (double c : t.constraints) {
            if (!(c <= 0)) {
                return false;
            }
        }
        return true;
    }

    int count(TrialState state) {
        return counts.get(state);
    }

    /** How many trials are in each state (a copy). */
    Map<TrialState, Integer> counts() {
        return new EnumMap<>(counts);
    }
}
