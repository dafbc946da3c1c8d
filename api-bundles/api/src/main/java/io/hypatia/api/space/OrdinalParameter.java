package io.hypatia.api.space;

import java.util.List;

/**
 * A choice whose values have a meaningful order (a grid of batch sizes, say): samplers may
 * treat neighbouring choices as close, unlike a {@link CategoricalParameter}.
 */
public record OrdinalParameter(String name, List<Object> choices, Condition condition) implements Parameter {

    public OrdinalParameter {
        choices = List.copyOf(choices);
    }

    public OrdinalParameter(String name, List<Object> choices) {
        this(name, choices, null);
    }

    @Override
    public void validate(String path) {
        Choices.validate(path, choices);
    }

    @Override
    public boolean contains(Object value) {
        return Choices.indexOf(choices, value) >= 0;
    }

    public int indexOf(Object value) {
        return Choices.indexOf(choices, value);
    }

    @Override
    public Object fromUnit(double u) {
        return Choices.fromUnit(choices, u);
    }

    @Override
    public double toUnit(Object value) {
        return Choices.toUnit(choices, value);
    }

    @Override
    public String describeDomain() {
        return "one of " + choices + " (ordered)";
    }
}
