package io.hypatia.sampler.gp.internal;

import io.hypatia.sampler.gp.model.LogEi;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogEiTest {

    private static double naiveH(double z) {
        return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI) + z * LogEi.normalCdf(z);
    }

    @Test
    void matchesTheNaiveFormulaWhereThatIsAccurate() {
        for (double z = -8; z <= 6; z += 0.25) {
            assertEquals(Math.log(naiveH(z)), LogEi.logH(z), 1e-8 * Math.max(1, Math.abs(Math.log(naiveH(z)))), "z=" + z);
        }
    }

    @Test
    void staysFiniteMonotoneAndAsymptoticFarInTheTail() {
        double previous = Double.NEGATIVE_INFINITY;
        for (double z : new double[] {-1e9, -1e8, -1e5, -1e3, -200, -60, -40, -39, -30, -10, -1.0001, -1, -0.9999}) {
            double v = LogEi.logH(z);
            assertTrue(Double.isFinite(v), "z=" + z);
            assertTrue(v > previous, "log h must increase, z=" + z);
            previous = v;
        }
        // h(z) ~ φ(z)/z² as z → -∞
        double z = -300;
        assertEquals(-0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(-z), LogEi.logH(z), 1e-4);
        // the two tail branches meet continuously
        double edge = -1 / Math.sqrt(Math.ulp(1.0));
        assertEquals(LogEi.logH(edge * 0.999999), LogEi.logH(edge * 1.000001), 1e-3 * Math.abs(LogEi.logH(edge)));
    }

    @Test
    void derivativesMatchFiniteDifferences() {
        for (double z : new double[] {-50, -12, -3, -1.2, -0.5, 0, 0.7, 3}) {
            double eps = 1e-6 * Math.max(1, Math.abs(z));
            double fd = (LogEi.logH(z + eps) - LogEi.logH(z - eps)) / (2 * eps);
            assertEquals(fd, LogEi.dLogH(z), 1e-5 * Math.max(1, Math.abs(fd)), "dlogh z=" + z);
            double fc = (LogEi.logNormalCdf(z + eps) - LogEi.logNormalCdf(z - eps)) / (2 * eps);
            assertEquals(fc, LogEi.dLogNormalCdf(z), 1e-5 * Math.max(1, Math.abs(fc)), "dlogPhi z=" + z);
        }
        assertEquals(Math.log(LogEi.normalCdf(-3)), LogEi.logNormalCdf(-3), 1e-12);
        assertEquals(Math.log(LogEi.normalCdf(2)), LogEi.logNormalCdf(2), 1e-12);
        assertTrue(Double.isFinite(LogEi.logNormalCdf(-1e4)));
    }
}
