package io.hypatia.dashboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The study page's chart sample keeps what the charts must show exactly, within its budget. */
class ChartSampleTest {
    private static final List<Objective> ONE = List.of(new Objective("loss", Direction.MINIMIZE));

    @Test
    void aSmallStudyIsSentWhole() {
        double[][] v = {{3}, {1}, {2}};
        assertArrayEquals(new int[] {0, 1, 2}, ChartSample.select(v, new long[] {1, 2, 3}, ONE, Set.of(), 0, 1000));
    }

    @Test
    void aLargeStudyKeepsEveryImprovementAndEachRangesExtremesWithinTheBudget() {
        int n = 10_000;
        Random r = new Random(5);
        double[][] v = new double[n][1];
        long[] finished = new long[n];
        for (int k = 0; k < n; k++) {
            v[k][0] = r.nextGaussian();
            finished[k] = k * 10L + r.nextInt(50); // finish order differs a little from trial order
        }
        int[] kept = ChartSample.select(v, finished, ONE, Set.of(), 0, 1000);
        Set<Integer> keptSet = new HashSet<>(Arrays.stream(kept).boxed().toList());
        assertTrue(kept.length <= 1000 + 60 && kept.length >= 900, "sample of " + kept.length);
        assertTrue(IntStream.range(1, kept.length).allMatch(i -> kept[i] > kept[i - 1]), "in trial order");
        double best = Double.POSITIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            if (v[k][0] < best) {
                best = v[k][0];
                assertTrue(keptSet.contains(k), "improvement at trial " + k + " kept");
            }
        }
        int argmin = 0;
        int argmax = 0;
        for (int k = 0; k < n; k++) {
            argmin = v[k][0] < v[argmin][0] ? k : argmin;
            argmax = v[k][0] > v[argmax][0] ? k : argmax;
        }
        assertTrue(keptSet.contains(argmin) && keptSet.contains(argmax), "the extremes are drawn");
    }

    @Test
    void theParetoFrontIsKept() {
        int n = 5_000;
        Random r = new Random(9);
        double[][] v = new double[n][2];
        for (int k = 0; k < n; k++) {
            v[k][0] = r.nextDouble();
            v[k][1] = r.nextDouble();
        }
        Set<Integer> front = new HashSet<>();
        for (int k = 0; k < n; k++) {
            boolean dominated = false;
            for (int o = 0; o < n && !dominated; o++) {
                dominated = v[o][0] <= v[k][0] && v[o][1] <= v[k][1] && (v[o][0] < v[k][0] || v[o][1] < v[k][1]);
            }
            if (!dominated) {
                front.add(k);
            }
        }
        List<Objective> two = List.of(new Objective("a", Direction.MINIMIZE), new Objective("b", Direction.MINIMIZE));
        int[] kept = ChartSample.select(v, new long[n], two, front, 0, 500);
        Set<Integer> keptSet = new HashSet<>(Arrays.stream(kept).boxed().toList());
        assertTrue(keptSet.containsAll(front), "every front trial drawn");
        assertEquals(true, kept.length <= 500 + 40, "sample of " + kept.length);
    }
}
