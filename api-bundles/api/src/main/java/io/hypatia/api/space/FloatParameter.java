package io.hypatia.api.space;

/** A real-valued parameter on [low, high], sampled uniformly or log-uniformly. */
public record FloatParameter(String name, double low, double high, boolean log, Condition condition)
        implements Parameter {

    public FloatParameter(String name, double low, double high, boolean log) {
        this(name, low, high, log, null);
    }

    @Override
    public void validate(String path) {
        if (!Double.isFinite(low)) {
            throw new InvalidSpaceException(path + ".low", "must be finite, got " + low);
        }
        if (!Double.isFinite(high)) {
            throw new InvalidSpaceException(path + ".high", "must be finite, got " + high);
        }
        if (low >= high) {
            throw new InvalidSpaceException(path + ".low", "low (" + low + ") must be < high (" + high + ")");
        }
        if (log && low <= 0) {
            throw new InvalidSpaceException(path + ".low", "log scale needs low > 0, got " + low);
        }
    }

    @Override
    public boolean contains(Object value) {
        return value instanceof Double d && d >= low && d <= high;
    }

    @Override
    public Object fromUnit(double u) {
        double v = log ? Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low))) : low + u * (high - low);
        return Math.min(high, Math.max(low, v));
    }

    @Override
    public double toUnit(Object value) {
        double v = ((Number) value).doubleValue();
        return log ? (Math.log(v) - Math.log(low)) / (Math.log(high) - Math.log(low)) : (v - low) / (high - low);
    }

    @Override
    public String describeDomain() {
        return "float in [" + low + ", " + high + "]" + (log ? " (log)" : "");
    }
}
