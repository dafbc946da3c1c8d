package io.hypatia.api.space;

import java.util.List;

/** An unordered choice; samplers must not assume any distance between choices. */
public record CategoricalParameter(String name, List<Object> choices, Condition condition) implements Parameter {

    public CategoricalParameter {
        choices = List.copyOf(choices);
    }

    public CategoricalParameter(String name, List<Object> choices) {
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

    /** The choice in the configuration's own type (3 and 3.0 both map to the declared choice). */
    public Object canonical(Object value) {
        int i = Choices.indexOf(choices, value);
        return i < 0 ? value : choices.get(i);
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
        return "one of " + choices;
    }
}
