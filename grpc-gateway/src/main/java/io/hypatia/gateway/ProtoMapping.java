package io.hypatia.gateway;

import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.InvalidSpaceException;
import io.hypatia.api.space.OrdinalParameter;
import io.hypatia.engine.EngineException;
import io.hypatia.engine.LeasePolicy;
import io.hypatia.engine.PluginRef;
import io.hypatia.engine.StudyEngine;
import io.hypatia.engine.StudyInfo;
import io.hypatia.engine.StudySpec;
import io.hypatia.engine.TrialInfo;
import io.hypatia.grpc.v1.CategoricalDomain;
import io.hypatia.grpc.v1.Condition;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.Decision;
import io.hypatia.grpc.v1.Direction;
import io.hypatia.grpc.v1.Fidelity;
import io.hypatia.grpc.v1.FloatDomain;
import io.hypatia.grpc.v1.IntDomain;
import io.hypatia.engine.DecisionRecord;
import io.hypatia.engine.ReportRecord;
import io.hypatia.grpc.v1.HandOut;
import io.hypatia.grpc.v1.IntermediateValue;
import io.hypatia.grpc.v1.SchedulerDecision;
import io.hypatia.grpc.v1.Objective;
import io.hypatia.grpc.v1.OrdinalDomain;
import io.hypatia.grpc.v1.Parameter;
import io.hypatia.grpc.v1.ParameterValue;
import io.hypatia.api.Setting;
import io.hypatia.grpc.v1.PluginInfo;
import io.hypatia.grpc.v1.PluginSelection;
import io.hypatia.grpc.v1.PluginSetting;
import io.hypatia.grpc.v1.SearchSpace;
import io.hypatia.grpc.v1.Study;
import io.hypatia.grpc.v1.Trial;
import io.hypatia.grpc.v1.TrialCounts;
import io.hypatia.grpc.v1.TrialState;
import io.hypatia.grpc.v1.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Converts between hypatia.v1 messages and engine/API types. Proto types are imported; API types
 * with the same simple name are written fully qualified. Request-shape errors (an unset oneof,
 * an UNSPECIFIED enum) are thrown as {@link EngineException#invalid} naming the proto field, so
 * the service maps them like the engine's own. Public so that Java clients (the launcher's demo
 * and benchmark) can build requests from API types.
 */
public final class ProtoMapping {
    /** Upper bound that keeps lease arithmetic (now + lease) far from overflow. */
    static final long MAX_LEASE_SECONDS = 100L * 365 * 24 * 3600;
    /** A space error on a domain field, e.g. "params[2].low", to be shown as "params[2].float.low". */
    private static final Pattern DOMAIN_FIELD = Pattern.compile("params\\[(\\d+)]\\.((?:low|high|step|choices).*)");

    private ProtoMapping() {
    }

    // ---------------------------------------------------------------- requests → engine

    public static StudySpec toSpec(CreateStudyRequest r) {
        io.hypatia.api.space.SearchSpace space = r.hasSearchSpace() ? toSpace(r.getSearchSpace()) : null;
        List<io.hypatia.api.study.Objective> objectives = new ArrayList<>();
        for (int i = 0; i < r.getObjectivesCount(); i++) {
            Objective o = r.getObjectives(i);
            objectives.add(new io.hypatia.api.study.Objective(o.getName(), toDirection(o.getDirection(), "objectives[" + i + "].direction")));
        }
        io.hypatia.api.benchmark.Fidelity fidelity = r.hasFidelity()
                ? new io.hypatia.api.benchmark.Fidelity(r.getFidelity().getName(), r.getFidelity().getMin(), r.getFidelity().getMax())
                : null;
        long leaseSeconds = r.getLeaseSeconds();
        if (leaseSeconds < 0 || leaseSeconds > MAX_LEASE_SECONDS) {
            throw EngineException.invalid("lease_seconds", "must be between 1 and " + MAX_LEASE_SECONDS
                    + " (or 0 for the default of " + StudySpec.DEFAULT_LEASE_MILLIS / 1000 + "), got " + leaseSeconds);
        }
        return new StudySpec(r.getName(), space, objectives,
                toPluginRef(r.getSampler(), "random"),
                toPluginRef(r.getScheduler(), StudyEngine.NO_SCHEDULER),
                fidelity,
                leaseSeconds == 0 ? StudySpec.DEFAULT_LEASE_MILLIS : leaseSeconds * 1000,
                toLeasePolicy(r),
                r.getMaxAttempts() == 0 ? StudySpec.DEFAULT_MAX_ATTEMPTS : r.getMaxAttempts(),
                r.getSamplerTimeoutMs() == 0 ? StudySpec.DEFAULT_SAMPLER_TIMEOUT_MILLIS : r.getSamplerTimeoutMs(),
                r.getSchedulerTimeoutMs() == 0 ? StudySpec.DEFAULT_SCHEDULER_TIMEOUT_MILLIS : r.getSchedulerTimeoutMs(),
                toMissingPluginPolicy(r));
    }

    private static io.hypatia.engine.MissingPluginPolicy toMissingPluginPolicy(CreateStudyRequest r) {
        return switch (r.getOnMissingPlugin()) {
            case MISSING_PLUGIN_POLICY_UNSPECIFIED, MISSING_PLUGIN_FALLBACK -> io.hypatia.engine.MissingPluginPolicy.FALLBACK;
            case MISSING_PLUGIN_FAIL -> io.hypatia.engine.MissingPluginPolicy.FAIL;
            default -> throw EngineException.invalid("on_missing_plugin", "unknown policy " + r.getOnMissingPluginValue()
                    + "; use MISSING_PLUGIN_FALLBACK (1) or MISSING_PLUGIN_FAIL (2)");
        };
    }

    public static io.hypatia.api.space.SearchSpace toSpace(SearchSpace proto) {
        List<io.hypatia.api.space.Parameter> params = new ArrayList<>();
        for (int i = 0; i < proto.getParamsCount(); i++) {
            params.add(toParameter(proto.getParams(i), "search_space.params[" + i + "]"));
        }
        try {
            return io.hypatia.api.space.SearchSpace.of(params);
        } catch (InvalidSpaceException e) {
            throw EngineException.invalid("search_space." + protoPath(e.field(), proto), detail(e));
        }
    }

    /** Inserts the oneof name the API's paths leave out: params[2].low → params[2].float.low. */
    private static String protoPath(String field, SearchSpace proto) {
        Matcher m = DOMAIN_FIELD.matcher(field);
        if (!m.matches()) {
            return field;
        }
        int index = Integer.parseInt(m.group(1));
        if (index >= proto.getParamsCount()) {
            return field;
        }
        String domain = switch (proto.getParams(index).getDomainCase()) {
            case FLOAT -> "float";
            case INT -> "int";
            case CATEGORICAL -> "categorical";
            case ORDINAL -> "ordinal";
            case DOMAIN_NOT_SET -> "domain";
        };
        return "params[" + index + "]." + domain + "." + m.group(2);
    }

    /** The exception's message without its "field: " prefix. */
    private static String detail(InvalidSpaceException e) {
        String prefix = e.field() + ": ";
        String message = e.getMessage();
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    private static io.hypatia.api.space.Parameter toParameter(Parameter p, String path) {
        io.hypatia.api.space.Condition condition = p.hasCondition() ? toCondition(p.getCondition(), path + ".condition") : null;
        String name = p.getName();
        return switch (p.getDomainCase()) {
            case FLOAT -> {
                FloatDomain f = p.getFloat();
                yield new FloatParameter(name, f.getLow(), f.getHigh(), f.getLog(), condition);
            }
            case INT -> {
                IntDomain d = p.getInt();
                yield new IntParameter(name, d.getLow(), d.getHigh(), d.getStep() == 0 ? 1 : d.getStep(), d.getLog(), condition);
            }
            case CATEGORICAL -> new CategoricalParameter(name, toValues(p.getCategorical().getChoicesList(), path + ".categorical.choices"), condition);
            case ORDINAL -> new OrdinalParameter(name, toValues(p.getOrdinal().getChoicesList(), path + ".ordinal.choices"), condition);
            case DOMAIN_NOT_SET -> throw EngineException.invalid(path, "must set one of float, int, categorical or ordinal");
        };
    }

    private static io.hypatia.api.space.Condition toCondition(Condition c, String path) {
        return new io.hypatia.api.space.Condition(c.getParent(), toValues(c.getValuesList(), path + ".values"));
    }

    private static List<Object> toValues(List<Value> values, String path) {
        List<Object> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            out.add(toValue(values.get(i), path + "[" + i + "]"));
        }
        return out;
    }

    /** proto double → Double, int64 → Long, string → String. */
    public static Object toValue(Value v, String path) {
        return switch (v.getKindCase()) {
            case FLOAT_VALUE -> {
                // NaN or infinite values never match a domain and cannot be stored as JSON.
                if (!Double.isFinite(v.getFloatValue())) {
                    throw EngineException.invalid(path, "must be finite, got " + v.getFloatValue());
                }
                yield v.getFloatValue();
            }
            case INT_VALUE -> v.getIntValue();
            case STRING_VALUE -> v.getStringValue();
            case KIND_NOT_SET -> throw EngineException.invalid(path, "must set one of float_value, int_value or string_value");
        };
    }

    /** A configuration from its proto form; throws {@link EngineException} (INVALID_ARGUMENT) naming a bad entry. */
    public static Config toConfig(List<ParameterValue> values) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            ParameterValue pv = values.get(i);
            if (pv.getName().isEmpty()) {
                throw EngineException.invalid("config[" + i + "].name", "must not be empty");
            }
            if (map.containsKey(pv.getName())) {
                throw EngineException.invalid("config[" + i + "].name", "duplicate parameter '" + pv.getName() + "'");
            }
            map.put(pv.getName(), toValue(pv.getValue(), "config." + pv.getName()));
        }
        return Config.of(map);
    }

    private static PluginRef toPluginRef(PluginSelection s, String defaultName) {
        return new PluginRef(s.getName().isEmpty() ? defaultName : s.getName(), s.getVersionRange(), s.getConfigMap());
    }

    private static io.hypatia.api.study.Direction toDirection(Direction d, String path) {
        return switch (d) {
            case MINIMIZE -> io.hypatia.api.study.Direction.MINIMIZE;
            case MAXIMIZE -> io.hypatia.api.study.Direction.MAXIMIZE;
            case DIRECTION_UNSPECIFIED, UNRECOGNIZED -> throw EngineException.invalid(path, "must be MINIMIZE or MAXIMIZE");
        };
    }

    private static LeasePolicy toLeasePolicy(CreateStudyRequest r) {
        return switch (r.getLeasePolicy()) {
            case LEASE_POLICY_UNSPECIFIED, REQUEUE -> LeasePolicy.REQUEUE;
            case FAIL -> LeasePolicy.FAIL;
            case UNRECOGNIZED -> throw EngineException.invalid("lease_policy", "unknown value " + r.getLeasePolicyValue()
                    + "; must be REQUEUE or FAIL");
        };
    }

    public static io.hypatia.api.study.TrialState toTrialState(TrialState s, String path) {
        return switch (s) {
            case WAITING -> io.hypatia.api.study.TrialState.WAITING;
            case RUNNING -> io.hypatia.api.study.TrialState.RUNNING;
            case PAUSED -> io.hypatia.api.study.TrialState.PAUSED;
            case COMPLETE -> io.hypatia.api.study.TrialState.COMPLETE;
            case PRUNED -> io.hypatia.api.study.TrialState.PRUNED;
            case FAILED -> io.hypatia.api.study.TrialState.FAILED;
            case TRIAL_STATE_UNSPECIFIED, UNRECOGNIZED -> throw EngineException.invalid(path,
                    "must be one of WAITING, RUNNING, PAUSED, COMPLETE, PRUNED or FAILED");
        };
    }

    // ---------------------------------------------------------------- engine → responses

    public static TrialState toProto(io.hypatia.api.study.TrialState s) {
        return switch (s) {
            case WAITING -> TrialState.WAITING;
            case RUNNING -> TrialState.RUNNING;
            case PAUSED -> TrialState.PAUSED;
            case COMPLETE -> TrialState.COMPLETE;
            case PRUNED -> TrialState.PRUNED;
            case FAILED -> TrialState.FAILED;
        };
    }

    public static Decision toProto(io.hypatia.api.scheduler.Decision d) {
        return switch (d) {
            case CONTINUE -> Decision.CONTINUE;
            case STOP -> Decision.STOP;
            case PAUSE -> Decision.PAUSE;
        };
    }

    public static Study toProto(StudyInfo info) {
        StudySpec spec = info.spec();
        Study.Builder b = Study.newBuilder()
                .setName(spec.name())
                .setId(info.id())
                .setSearchSpace(toProto(spec.space()))
                .setSampler(toProto(spec.sampler()))
                .setScheduler(toProto(spec.scheduler()))
                .setLeaseSeconds(spec.leaseMillis() / 1000)
                .setLeasePolicy(spec.onLeaseExpired() == LeasePolicy.FAIL
                        ? io.hypatia.grpc.v1.LeasePolicy.FAIL : io.hypatia.grpc.v1.LeasePolicy.REQUEUE)
                .setMaxAttempts(spec.maxAttempts())
                .setSamplerTimeoutMs(spec.samplerTimeoutMillis())
                .setSchedulerTimeoutMs(spec.schedulerTimeoutMillis())
                .setOnMissingPlugin(spec.onMissingPlugin() == io.hypatia.engine.MissingPluginPolicy.FAIL
                        ? io.hypatia.grpc.v1.MissingPluginPolicy.MISSING_PLUGIN_FAIL
                        : io.hypatia.grpc.v1.MissingPluginPolicy.MISSING_PLUGIN_FALLBACK)
                .setTrialCounts(toProto(info.trialCounts()))
                .setPluginFallbacks(info.pluginFallbacks())
                .setCreatedAtMs(info.createdAt());
        for (io.hypatia.api.study.Objective o : spec.objectives()) {
            b.addObjectives(Objective.newBuilder().setName(o.name())
                    .setDirection(o.direction() == io.hypatia.api.study.Direction.MAXIMIZE ? Direction.MAXIMIZE : Direction.MINIMIZE));
        }
        if (spec.fidelity() != null) {
            b.setFidelity(Fidelity.newBuilder().setName(spec.fidelity().name())
                    .setMin(spec.fidelity().min()).setMax(spec.fidelity().max()));
        }
        for (io.hypatia.api.scheduler.MaxResourceRaise r : spec.raises()) {
            b.addBudgetRaises(io.hypatia.grpc.v1.BudgetRaise.newBuilder().setPreviousMax(r.previousMax()).setMax(r.max())
                    .setFirstTrialNumber(r.firstTrialNumber()));
        }
        return b.build();
    }

    private static TrialCounts toProto(Map<io.hypatia.api.study.TrialState, Integer> counts) {
        return TrialCounts.newBuilder()
                .setWaiting(counts.getOrDefault(io.hypatia.api.study.TrialState.WAITING, 0))
                .setRunning(counts.getOrDefault(io.hypatia.api.study.TrialState.RUNNING, 0))
                .setPaused(counts.getOrDefault(io.hypatia.api.study.TrialState.PAUSED, 0))
                .setComplete(counts.getOrDefault(io.hypatia.api.study.TrialState.COMPLETE, 0))
                .setPruned(counts.getOrDefault(io.hypatia.api.study.TrialState.PRUNED, 0))
                .setFailed(counts.getOrDefault(io.hypatia.api.study.TrialState.FAILED, 0))
                .build();
    }

    private static PluginSelection toProto(PluginRef ref) {
        return PluginSelection.newBuilder().setName(ref.name()).setVersionRange(ref.versionRange())
                .putAllConfig(ref.config()).build();
    }

    public static SearchSpace toProto(io.hypatia.api.space.SearchSpace space) {
        SearchSpace.Builder b = SearchSpace.newBuilder();
        for (io.hypatia.api.space.Parameter p : space.parameters()) {
            Parameter.Builder pb = Parameter.newBuilder().setName(p.name());
            if (p instanceof FloatParameter f) {
                pb.setFloat(FloatDomain.newBuilder().setLow(f.low()).setHigh(f.high()).setLog(f.log()));
            } else if (p instanceof IntParameter i) {
                pb.setInt(IntDomain.newBuilder().setLow(i.low()).setHigh(i.high()).setStep(i.step()).setLog(i.log()));
            } else if (p instanceof CategoricalParameter c) {
                pb.setCategorical(CategoricalDomain.newBuilder().addAllChoices(toProtoValues(c.choices())));
            } else if (p instanceof OrdinalParameter o) {
                pb.setOrdinal(OrdinalDomain.newBuilder().addAllChoices(toProtoValues(o.choices())));
            }
            if (p.condition() != null) {
                pb.setCondition(Condition.newBuilder().setParent(p.condition().parent())
                        .addAllValues(toProtoValues(p.condition().values())));
            }
            b.addParams(pb);
        }
        return b.build();
    }

    private static List<Value> toProtoValues(List<Object> values) {
        return values.stream().map(ProtoMapping::toProtoValue).toList();
    }

    public static Value toProtoValue(Object v) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return Value.newBuilder().setIntValue(((Number) v).longValue()).build();
        }
        if (v instanceof Number n) {
            return Value.newBuilder().setFloatValue(n.doubleValue()).build();
        }
        return Value.newBuilder().setStringValue(String.valueOf(v)).build();
    }

    public static Trial toProto(TrialInfo info) {
        io.hypatia.api.study.Trial t = info.trial();
        Trial.Builder b = Trial.newBuilder()
                .setId(t.id())
                .setNumber(t.number())
                .setState(toProto(t.state()))
                .addAllValues(t.values())
                .addAllConstraints(t.constraints())
                .setBudget(t.budget())
                .putAllAttributes(t.attributes())
                .setFailReason(nullToEmpty(info.failReason()))
                .setWorker(nullToEmpty(info.worker()))
                .setLeaseExpiresAtMs(info.leaseExpiresAt())
                .setCreatedAtMs(info.createdAt())
                .setFinishedAtMs(info.finishedAt())
                .setAttempts(info.attempts())
                .setStudy(nullToEmpty(info.study()));
        t.config().values().forEach((name, value) ->
                b.addConfig(ParameterValue.newBuilder().setName(name).setValue(toProtoValue(value))));
        for (ReportRecord r : info.reports()) {
            b.addIntermediateValues(IntermediateValue.newBuilder().setStep(r.step()).setValue(r.value()).setAttempt(r.attempt()));
        }
        b.setCheckpoint(nullToEmpty(info.checkpoint()))
                .setCheckpointStep(Math.max(0, info.checkpointStep()))
                .setParentTrialId(info.parentTrialId())
                .setParentStep(info.parentStep());
        for (DecisionRecord d : info.decisions()) {
            b.addDecisions(SchedulerDecision.newBuilder().setStep(d.step()).setDecision(d.decision()).setRung(d.rung())
                    .setReason(d.reason()).setAttempt(d.attempt()).setAtMs(d.atMillis()));
        }
        return b.build();
    }

    public static HandOut toProto(io.hypatia.engine.HandOut handOut) {
        return switch (handOut) {
            case NEW -> HandOut.NEW;
            case REQUEUED -> HandOut.REQUEUED;
            case PROMOTED -> HandOut.PROMOTED;
            case CLONED -> HandOut.CLONED;
        };
    }

    public static PluginInfo toProto(io.hypatia.engine.PluginInfo p) {
        return PluginInfo.newBuilder()
                .setKind(nullToEmpty(p.kind()))
                .setName(nullToEmpty(p.name()))
                .setBundle(nullToEmpty(p.bundle()))
                .setVersion(nullToEmpty(p.version()))
                .setState(nullToEmpty(p.state()))
                .setDescription(nullToEmpty(p.description()))
                .addAllSettings(p.settings().stream().map(ProtoMapping::toProto).toList())
                .setMessage(p.message())
                .build();
    }

    static PluginSetting toProto(Setting s) {
        PluginSetting.Builder b = PluginSetting.newBuilder().setName(s.name()).setType(s.type().name())
                .addAllChoices(s.choices()).setDefaultValue(s.defaultValue()).setDoc(s.doc());
        if (s.type() == Setting.Type.INT || s.type() == Setting.Type.FLOAT) {
            b.setMin(s.min()).setMax(s.max());
        }
        return b.build();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
