package io.hypatia.api.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Issue 11 findings 3 and 4: integer domains at the extremes, and huge choice lists. */
class ExtremeDomainsTest {
    private static final long M = IntParameter.MAX_MAGNITUDE;

    @Test
    void boundsBeyondTwoToThe53AreRefusedNamingTheField() {
        InvalidSpaceException high = assertThrows(InvalidSpaceException.class,
                () -> SearchSpace.of(List.of(new IntParameter("n", 0, Long.MAX_VALUE))));
        assertEquals("params[0].high", high.field());
        InvalidSpaceException low = assertThrows(InvalidSpaceException.class,
                () -> SearchSpace.of(List.of(new IntParameter("n", Long.MIN_VALUE, Long.MAX_VALUE))));
        assertEquals("params[0].low", low.field());
        assertTrue(low.getMessage().contains("2^53"), low.getMessage());
    }

    /** Every accepted extreme domain maps the whole unit interval (ends included) into itself, on its step grid. */
    @Test
    void extremeRangesStayInsideTheirDomainAcrossTheUnitInterval() {
        List<IntParameter> domains = List.of(
                new IntParameter("a", -M, M), new IntParameter("b", 0, M), new IntParameter("c", -M, 0),
                new IntParameter("d", -M, M, 2, false, null), new IntParameter("e", -M, M, M, false, null),
                new IntParameter("f", 1, M, 1, true, null), new IntParameter("g", M - 1, M),
                new IntParameter("h", -M, -M), new IntParameter("i", M - 3, M, 1, true, null));
        SplittableRandom rng = new SplittableRandom(11);
        for (IntParameter p : domains) {
            SearchSpace.of(List.of(p)); // accepted
            List<Double> units = new ArrayList<>(List.of(0.0, Double.MIN_VALUE, 0.5, Math.nextDown(1.0), 1.0));
            for (int i = 0; i < 2000; i++) {
                units.add(rng.nextDouble());
            }
            boolean sawLow = false, sawHigh = false;
            for (double u : units) {
                Object v = p.fromUnit(u);
                assertTrue(p.contains(v), () -> p.describeDomain() + " handed out " + v + " for u=" + u);
                double back = p.toUnit(v);
                assertTrue(back >= 0 && back <= 1 && Double.isFinite(back), () -> p.describeDomain() + ": toUnit(" + v + ") = " + back);
                sawLow |= (Long) v == p.low();
                sawHigh |= (Long) v == p.high();
            }
            // On a log scale exp(log(2^53)) is off by a few units in the last place, so only linear ends are exact.
            assertTrue(sawLow && (sawHigh || p.log()), p.describeDomain() + ": both ends are reachable");
        }
    }

    @Test
    void uniformSamplingOfTheWidestRangeIsNotStuckAtOneEnd() {
        IntParameter p = new IntParameter("n", -M, M);
        SplittableRandom rng = new SplittableRandom(3);
        int negative = 0;
        for (int i = 0; i < 1000; i++) {
            if ((Long) p.fromUnit(rng.nextDouble()) < 0) {
                negative++;
            }
        }
        // Binomial(1000, 0.5): outside [400, 600] has probability below 1e-9.
        assertTrue(negative > 400 && negative < 600, "negative draws: " + negative);
    }

    @Test
    void duplicateChoicesAreFoundInLinearTime() {
        List<Object> many = new ArrayList<>();
        for (long i = 0; i < 300_000; i++) {
            many.add(i % 2 == 0 ? (Object) i : "s" + i);
        }
        // A pairwise check would compare 4.5e10 pairs here; the hash set takes milliseconds.
        SearchSpace.of(List.of(new CategoricalParameter("c", many)));
        many.add(2.0); // equal to the Long 2 choice
        InvalidSpaceException e = assertThrows(InvalidSpaceException.class, () -> SearchSpace.of(List.of(new CategoricalParameter("c", many))));
        assertEquals("params[0].choices[300000]", e.field());
        // Numbers and strings never collide: 3 and "3" are two choices.
        SearchSpace.of(List.of(new OrdinalParameter("o", List.of(3L, "3"))));
    }
}
