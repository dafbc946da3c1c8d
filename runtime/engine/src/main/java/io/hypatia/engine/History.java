package io.hypatia.engine;

import io.hypatia.api.study.Trial;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;

/**
 * The per-study list of trials as plugins see them (immutable {@link Trial} snapshots in creation
 * order). Kept up to date incrementally: a changed trial marks its slot, and only marked slots
 * are rebuilt when plugins next look, instead of re-snapshotting the whole study on every call.
 * Guarded by the owning study's lock.
 */
final class History {
    private final List<TrialRecord> records = new ArrayList<>();
    private Trial[] snapshots = new Trial[16];
    private final BitSet stale = new BitSet();

    void add(TrialRecord t) {
        if (records.size() == snapshots.length) {
            snapshots = Arrays.copyOf(snapshots, snapshots.length * 2);
        }
        records.add(t);
        stale.set(t.number);
    }

    void changed(TrialRecord t) {
        stale.set(t.number);
    }

    /** An immutable copy of the current snapshots. */
    List<Trial> trials() {
        for (int i = stale.nextSetBit(0); i >= 0; i = stale.nextSetBit(i + 1)) {
            snapshots[i] = records.get(i).trial();
        }
        stale.clear();
        return Collections.unmodifiableList(Arrays.asList(Arrays.copyOf(snapshots, records.size())));
    }
}
