package io.hypatia.sampler.tpe.internal;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Splits the parameters into groups that multivariate TPE models jointly: the coarsest partition
 * in which the members of every group were either all active or all inactive in every observed
 * trial (the "group decomposition" of conditional spaces). Without conditional parameters this
 * is one group of all parameters; in a tree-structured space it is typically the unconditional
 * parameters plus one group per branch. Parameters never seen active get a group each (they are
 * sampled from the prior).
 */
final class GroupDecomposition {
    private GroupDecomposition() {
    }

    /** Groups as sorted parameter indices, ordered by their first parameter. */
    static int[][] of(SpaceCoding coding, History history) {
        int dims = coding.dimension();
        if (!coding.hasConditionals()) {
            int[] all = new int[dims];
            for (int d = 0; d < dims; d++) {
                all[d] = d;
            }
            return new int[][] {all};
        }
        Set<BitSet> activeSets = new LinkedHashSet<>();
        for (int o = 0; o < history.size(); o++) {
            BitSet active = new BitSet(dims);
            for (int d = 0; d < dims; d++) {
                if (!Double.isNaN(history.x[d][o])) {
                    active.set(d);
                }
            }
            if (!active.isEmpty()) {
                activeSets.add(active);
            }
        }
        List<BitSet> groups = new ArrayList<>();
        BitSet covered = new BitSet(dims);
        for (BitSet active : activeSets) {
            List<BitSet> refined = new ArrayList<>(groups.size() + 1);
            for (BitSet group : groups) {
                BitSet inside = (BitSet) group.clone();
                inside.and(active);
                BitSet outside = (BitSet) group.clone();
                outside.andNot(active);
                if (!inside.isEmpty()) {
                    refined.add(inside);
                }
                if (!outside.isEmpty()) {
                    refined.add(outside);
                }
            }
            BitSet fresh = (BitSet) active.clone();
            fresh.andNot(covered);
            if (!fresh.isEmpty()) {
                refined.add(fresh);
                covered.or(fresh);
            }
            groups = refined;
        }
        for (int d = 0; d < dims; d++) {
            if (!covered.get(d)) {
                BitSet single = new BitSet(dims);
                single.set(d);
                groups.add(single);
            }
        }
        groups.sort(Comparator.comparingInt(b -> b.nextSetBit(0)));
        int[][] out = new int[groups.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = groups.get(i).stream().toArray();
        }
        return out;
    }

    /** One group per parameter: univariate TPE. */
    static int[][] singletons(int dims) {
        int[][] out = new int[dims][];
        for (int d = 0; d < dims; d++) {
            out[d] = new int[] {d};
        }
        return out;
    }
}
