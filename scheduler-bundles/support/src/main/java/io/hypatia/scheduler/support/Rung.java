package io.hypatia.scheduler.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The trials that reached one resource level, with the loss each had there. Keeps the losses
 * sorted so a rank is a binary search, and tracks which members wait (paused here) and which
 * were promoted, so a decision never scans the rung. Not thread-safe: a scheduler's calls for
 * one study come one at a time.
 */
public final class Rung {
    /** A member: its loss at this level (smaller is better), trial number and id. */
    public record Entry(double loss, int number, long trialId) {
    }

    /** Better loss first; ties broken by the earlier trial, so ranks are total and reproducible. */
    private static final Comparator<Entry> ORDER = Comparator.comparingDouble(Entry::loss).thenComparingInt(Entry::number);

    private final double level;
    private final List<Entry> sorted = new ArrayList<>();
    private final Map<Integer, Entry> byNumber = new HashMap<>();
    private final TreeSet<Entry> waiting = new TreeSet<>(ORDER);
    private final Set<Integer> promoted = new HashSet<>();

    public Rung(double level) {
        this.level = level;
    }

    public double level() {
        return level;
    }

    public int size() {
        return sorted.size();
    }

    public boolean contains(int number) {
        return byNumber.containsKey(number);
    }

    /**
     * Adds a trial's loss at this level; a trial is a member once, with the first value it
     * reported at or past the level.
     *
     * @return false when the trial was already a member
     */
    public boolean add(int number, long trialId, double loss) {
        if (byNumber.containsKey(number)) {
            return false;
        }
        Entry e = new Entry(loss, number, trialId);
        int at = Collections.binarySearch(sorted, e, ORDER);
        sorted.add(-at - 1, e);
        byNumber.put(number, e);
        return true;
    }

    /** 0-based rank of a member: how many members are better. */
    public int rank(int number) {
        Entry e = byNumber.get(number);
        if (e == null) {
            throw new IllegalArgumentException("trial #" + number + " is not in the rung at " + level);
        }
        return Collections.binarySearch(sorted, e, ORDER);
    }

    /** The member's loss here. */
    public double loss(int number) {
        return byNumber.get(number).loss();
    }

    /** A member paused here: it may be promoted later. */
    public void markWaiting(int number) {
        Entry e = byNumber.get(number);
        if (e != null && !promoted.contains(number)) {
            waiting.add(e);
        }
    }

    /** A member that no longer waits here (it was promoted, or it left the PAUSED state). */
    public void markPromoted(int number) {
        Entry e = byNumber.get(number);
        if (e != null) {
            waiting.remove(e);
        }
        promoted.add(number);
    }

    /** A member that stopped waiting without being promoted (told or failed while paused). */
    public void dropWaiting(int number) {
        Entry e = byNumber.get(number);
        if (e != null) {
            waiting.remove(e);
        }
    }

    public boolean isPromoted(int number) {
        return promoted.contains(number);
    }

    public int promotedCount() {
        return promoted.size();
    }

    /** The best member that waits here for a promotion. */
    public Optional<Entry> bestWaiting() {
        return waiting.isEmpty() ? Optional.empty() : Optional.of(waiting.first());
    }

    @Override
    public String toString() {
        return "rung at " + Texts.number(level) + " (" + size() + " trials, " + promoted.size() + " promoted, "
                + waiting.size() + " waiting)";
    }
}
