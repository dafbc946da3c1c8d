package io.hypatia.api.space;

/**
 * One dimension of a search space. Every parameter maps the unit interval onto its domain
 * ({@link #fromUnit}) and back ({@link #toUnit}), uniformly in the parameter's own scale (log
 * scale for log parameters, equal mass per choice for categorical and ordinal ones), so
 * samplers that work in the unit cube (random, quasi-random, GP, CMA-ES) share one mapping.
 */
public sealed interface Parameter permits FloatParameter, IntParameter, CategoricalParameter, OrdinalParameter {

    String name();

    /** The condition under which this parameter is active, or null when always active. */
    Condition condition();

    /** Checks this parameter's own definition; {@code path} prefixes field names in errors. */
    void validate(String path);

    /** True when {@code value} lies in the domain (right type, in range, on the step grid). */
    boolean contains(Object value);

    /** Maps u in [0, 1) to a value of the domain. */
    Object fromUnit(double u);

    /** Maps a value of the domain to [0, 1]; inverse of {@link #fromUnit} up to discretisation. */
    double toUnit(Object value);

    /** Human-readable domain, used in error messages. */
    String describeDomain();

    default boolean isConditional() {
        return condition() != null;
    }
}
