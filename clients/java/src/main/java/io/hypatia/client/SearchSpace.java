package io.hypatia.client;

import io.hypatia.grpc.v1.CategoricalDomain;
import io.hypatia.grpc.v1.Condition;
import io.hypatia.grpc.v1.FloatDomain;
import io.hypatia.grpc.v1.IntDomain;
import io.hypatia.grpc.v1.OrdinalDomain;
import io.hypatia.grpc.v1.Parameter;
import java.util.List;

/**
 * A search space in declaration order. Choices may be Boolean, Integer/Long, Double or String;
 * they come back with those types ({@link Trial#params()}).
 */
public final class SearchSpace {
    private final io.hypatia.grpc.v1.SearchSpace.Builder proto = io.hypatia.grpc.v1.SearchSpace.newBuilder();

    public SearchSpace floatParam(String name, double low, double high, boolean log) {
        proto.addParams(Parameter.newBuilder().setName(name)
                .setFloat(FloatDomain.newBuilder().setLow(low).setHigh(high).setLog(log)));
        return this;
    }

    public SearchSpace floatParam(String name, double low, double high) {
        return floatParam(name, low, high, false);
    }

    public SearchSpace intParam(String name, long low, long high, long step, boolean log) {
        proto.addParams(Parameter.newBuilder().setName(name)
                .setInt(IntDomain.newBuilder().setLow(low).setHigh(high).setStep(step).setLog(log)));
        return this;
    }

    public SearchSpace intParam(String name, long low, long high) {
        return intParam(name, low, high, 1, false);
    }

    public SearchSpace categorical(String name, Object... choices) {
        CategoricalDomain.Builder d = CategoricalDomain.newBuilder();
        for (Object c : choices) {
            d.addChoices(Values.toWire(c));
        }
        proto.addParams(Parameter.newBuilder().setName(name).setCategorical(d));
        return this;
    }

    public SearchSpace ordinal(String name, Object... choices) {
        OrdinalDomain.Builder d = OrdinalDomain.newBuilder();
        for (Object c : choices) {
            d.addChoices(Values.toWire(c));
        }
        proto.addParams(Parameter.newBuilder().setName(name).setOrdinal(d));
        return this;
    }

    /** Makes the last declared parameter active only when {@code parent} takes one of {@code values}. */
    public SearchSpace when(String parent, Object... values) {
        int last = proto.getParamsCount() - 1;
        if (last < 0) {
            throw new IllegalStateException("when(): declare the conditional parameter first");
        }
        Condition.Builder c = Condition.newBuilder().setParent(parent);
        for (Object v : values) {
            c.addValues(Values.toWire(v));
        }
        proto.setParams(last, proto.getParams(last).toBuilder().setCondition(c));
        return this;
    }

    io.hypatia.grpc.v1.SearchSpace toProto() {
        return proto.build();
    }

    static SearchSpace of(List<Parameter> params) {
        SearchSpace s = new SearchSpace();
        s.proto.addAllParams(params);
        return s;
    }
}
