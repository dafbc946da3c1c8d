package io.hypatia.api.study;

import java.util.AbstractList;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * An immutable list of trials that shares structure with the lists it was derived from, so the
 * engine can hand plugins a snapshot of a large study's history without copying it. Replacing or
 * appending one trial ({@link #with}) copies only the path to its slot in a 32-way tree: about
 * log32(n) arrays of 32 references (four for 100,000 trials), where a plain copy would take n.
 *
 * <p>{@code SamplerContext} and {@code SchedulerContext} keep a {@code TrialList} as it is and copy
 * any other list, so plugins may rely on the history they see never changing under them.
 *
 * @since study API 1.2
 */
public final class TrialList extends AbstractList<Trial> implements RandomAccess {
    private static final int BITS = 5;
    private static final int WIDTH = 1 << BITS;
    private static final int MASK = WIDTH - 1;
    private static final TrialList EMPTY = new TrialList(0, 0, new Object[WIDTH]);

    private final int size;
    /** Bits of the index above the leaves: 0 when the root is a leaf, then 5, 10, ... */
    private final int shift;
    private final Object[] root;

    private TrialList(int size, int shift, Object[] root) {
        this.size = size;
        this.shift = shift;
        this.root = root;
    }

    /** The empty list. */
    public static TrialList of() {
        return EMPTY;
    }

    /** {@code trials} as a TrialList: the same instance when it is one, else a copy. */
    public static TrialList copyOf(Collection<? extends Trial> trials) {
        if (trials instanceof TrialList t) {
            return t;
        }
        TrialList out = EMPTY;
        for (Trial t : trials) {
            out = out.with(out.size, t);
        }
        return out;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Trial get(int index) {
        Objects.checkIndex(index, size);
        return (Trial) leaf(index)[index & MASK];
    }

    private Object[] leaf(int index) {
        Object[] node = root;
        for (int level = shift; level > 0; level -= BITS) {
            node = (Object[]) node[(index >>> level) & MASK];
        }
        return node;
    }

    /**
     * This list with {@code trial} at {@code index}: replacing the trial there, or appended when
     * {@code index == size()}. This list is left unchanged.
     */
    public TrialList with(int index, Trial trial) {
        Objects.requireNonNull(trial, "trial");
        if (index < 0 || index > size) {
            throw new IndexOutOfBoundsException("index " + index + " outside 0.." + size);
        }
        if (index < size) {
            return new TrialList(size, shift, set(root, shift, index, trial));
        }
        if (size == 1 << (shift + BITS)) { // full: the old tree becomes the first child of a new root
            Object[] grown = new Object[WIDTH];
            grown[0] = root;
            return new TrialList(size + 1, shift + BITS, set(grown, shift + BITS, index, trial));
        }
        return new TrialList(size + 1, shift, set(root, shift, index, trial));
    }

    /** A copy of the path from {@code node} down to {@code index}, with {@code value} there; absent nodes are created. */
    private static Object[] set(Object[] node, int level, int index, Object value) {
        Object[] copy = node == null ? new Object[WIDTH] : node.clone();
        if (level == 0) {
            copy[index & MASK] = value;
        } else {
            int child = (index >>> level) & MASK;
            copy[child] = set((Object[]) copy[child], level - BITS, index, value);
        }
        return copy;
    }

    /** Walks leaf by leaf rather than from the root for every element. */
    @Override
    public Iterator<Trial> iterator() {
        return new Iterator<>() {
            private int next;
            private Object[] leaf;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            public Trial next() {
                if (next >= size) {
                    throw new NoSuchElementException();
                }
                if (leaf == null || (next & MASK) == 0) {
                    leaf = leaf(next);
                }
                return (Trial) leaf[next++ & MASK];
            }
        };
    }
}
