package io.hypatia.scheduler.support;

import java.util.Locale;

/** Short number formatting for the reasons recorded on trials. */
public final class Texts {
    private Texts() {
    }

    /** {@code 9} for 9.0, {@code 0.3142} for 0.314159..., so reasons stay readable. */
    public static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
