package io.hypatia.api.space;

/**
 * An integer parameter on {low, low+step, ..., high}, uniform or log-uniform. Bounds lie within
 * +-2^53 ({@link #MAX_MAGNITUDE}): every value is then exact as a double (samplers work in
 * doubles) and {@code high - low} cannot overflow a long.
 */
public record IntParameter(String name, long low, long high, long step, boolean log, Condition condition)
        implements Parameter {
    /** Largest magnitude of low and high: 2^53, below which every integer is exact as a double. */
    public static final long MAX_MAGNITUDE = 1L << 53;

    public IntParameter(String name, long low, long high) {
        this(name, low, high, 1, false, null);
    }

    @Override
    public void validate(String path) {
        if (low < -MAX_MAGNITUDE || low > MAX_MAGNITUDE) {
            throw new InvalidSpaceException(path + ".low", "must be within +-2^53 (" + MAX_MAGNITUDE + "), got " + low);
        }
        if (high < -MAX_MAGNITUDE || high > MAX_MAGNITUDE) {
            throw new InvalidSpaceException(path + ".high", "must be within +-2^53 (" + MAX_MAGNITUDE + "), got " + high);
        }
        if (low > high) {
            throw new InvalidSpaceException(path + ".low", "low (" + low + ") must be <= high (" + high + ")");
        }
        if (step < 1) {
            throw new InvalidSpaceException(path + ".step", "must be >= 1, got " + step);
        }
        if ((high - low) % step != 0) {
            throw new InvalidSpaceException(path + ".step",
                    "high - low (" + (high - low) + ") must be a multiple of step (" + step + ")");
        }
        if (log && low <= 0) {
            throw new InvalidSpaceException(path + ".low", "log scale needs low > 0, got " + low);
        }
        if (log && step != 1) {
            throw new InvalidSpaceException(path + ".step", "log scale needs step 1, got " + step);
        }
    }

    @Override
    public boolean contains(Object value) {
        return value instanceof Long v && v >= low && v <= high && (v - low) % step == 0;
    }

    @Override
    public Object fromUnit(double u) {
        if (log && logSpan() > 0) {
            // Sample log-uniformly on [low - 0.5, high + 0.5] so the end points get their full share.
            double lo = Math.log(low - 0.5 + 1e-12), hi = Math.log(high + 0.5);
            long v = Math.round(Math.exp(lo + u * (hi - lo)));
            return Math.min(high, Math.max(low, v));
        }
        long count = (high - low) / step + 1;
        long index = Math.min(count - 1, (long) Math.floor(u * count));
        return low + index * step;
    }

    @Override
    public double toUnit(Object value) {
        long v = ((Number) value).longValue();
        if (log && logSpan() > 0) {
            double lo = Math.log(low - 0.5 + 1e-12), hi = Math.log(high + 0.5);
            return Math.min(1, Math.max(0, (Math.log(v) - lo) / (hi - lo)));
        }
        long count = (high - low) / step + 1;
        return ((v - low) / step + 0.5) / count;
    }

    /**
     * Width of the log-scale interval; 0 when a narrow range near 2^53 is too narrow for doubles to
     * tell its logs apart (then the linear mapping, which is exact there, is used instead).
     */
    private double logSpan() {
        return Math.log(high + 0.5) - Math.log(low - 0.5 + 1e-12);
    }

    @Override
    public String describeDomain() {
        return "int in [" + low + ", " + high + "]" + (step != 1 ? " step " + step : "") + (log ? " (log)" : "");
    }
}
