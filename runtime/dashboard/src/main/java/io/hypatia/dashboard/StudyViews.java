package io.hypatia.dashboard;

import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.OrdinalParameter;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.DecisionRecord;
import io.hypatia.engine.PluginInfo;
import io.hypatia.engine.PluginRef;
import io.hypatia.engine.StudyEngine;
import io.hypatia.engine.StudyInfo;
import io.hypatia.engine.StudySpec;
import io.hypatia.engine.TrialInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the dashboard's JSON endpoints answer, built from the engine's public read methods
 * ({@code listStudies}, {@code getStudy}, {@code listTrials}, {@code bestTrials},
 * {@code listPlugins}). Large studies are paged here, on the server: the trials table gets one
 * page, the charts get compact columns of at most about a thousand finished trials (a
 * {@link ChartSample} that keeps every improvement, the Pareto front and the extremes)
 * and the learning curves of a bounded number of recent trials.
 */
final class StudyViews {
    /** Trials with intermediate values that the learning-curve chart shows at most by default. */
    static final int DEFAULT_CURVES = 100;
    /** Below this many finished trials in the last minute the rate is averaged over the study's life. */
    private static final long RATE_WINDOW_MILLIS = 60_000;

    private final StudyEngine engine;
    private final ServiceMetrics metrics;

    StudyViews(StudyEngine engine, ServiceMetrics metrics) {
        this.engine = engine;
        this.metrics = metrics;
    }

    // ------------------------------------------------------------------ studies

    /** Every study the viewer may see whose name contains {@code filter} (case-insensitive), newest first. */
    List<Map<String, Object>> studies(Access.Viewer viewer, String filter) {
        String needle = filter == null ? "" : filter.trim().toLowerCase(Locale.ROOT);
        Map<String, String> versions = pluginVersions();
        List<Map<String, Object>> out = new ArrayList<>();
        List<StudyInfo> all = new ArrayList<>(engine.listStudies());
        all.sort(Comparator.comparingLong(StudyInfo::createdAt).thenComparingLong(StudyInfo::id).reversed());
        for (StudyInfo s : all) {
            if (viewer.canSee(s) && s.spec().name().toLowerCase(Locale.ROOT).contains(needle)) {
                try {
                    String name = s.spec().name();
                    out.add(summary(s, engine.listTrials(name, Set.of()), engine.bestTrials(name), versions));
                } catch (RuntimeException e) {
                    // deleted between the listing and this read: leave it out
                }
            }
        }
        return out;
    }

    /** One study's summary with its settings, best trials and change stamp. */
    Map<String, Object> study(StudyInfo s) {
        String name = s.spec().name();
        List<TrialInfo> trials = engine.listTrials(name, Set.of());
        List<TrialInfo> best = engine.bestTrials(name);
        Map<String, Object> out = summary(s, trials, best, pluginVersions());
        out.put("settings", settings(s.spec()));
        out.put("bestTrials", best.stream().map(t -> row(t, s.spec())).toList());
        return out;
    }

    private Map<String, Object> summary(StudyInfo s, List<TrialInfo> trials, List<TrialInfo> best, Map<String, String> versions) {
        StudySpec spec = s.spec();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", spec.name());
        out.put("id", s.id());
        out.put("created", s.createdAt());
        Map<String, Integer> counts = new LinkedHashMap<>();
        s.trialCounts().forEach((state, n) -> counts.put(state.name(), n));
        out.put("counts", counts);
        out.put("trials", trials.size());
        out.put("objectives", spec.objectives().stream().map(o -> Map.of("name", o.name(),
                "direction", o.direction().name())).toList());
        out.put("best", best.size() == 1 ? best.get(0).trial().values() : null);
        out.put("bestTrial", best.size() == 1 ? best.get(0).trial().number() : null);
        out.put("paretoSize", spec.objectives().size() > 1 ? best.size() : null);
        out.put("sampler", pluginLabel("sampler", spec.sampler(), versions));
        out.put("scheduler", pluginLabel("scheduler", spec.scheduler(), versions));
        out.put("trialsPerSecond", rate(trials));
        out.put("pluginFallbacks", s.pluginFallbacks());
        out.put("fidelity", spec.fidelity() == null ? null : spec.fidelity().name());
        long intermediates = 0;
        long lastFinished = 0;
        for (TrialInfo t : trials) {
            intermediates += t.trial().intermediates().size();
            lastFinished = Math.max(lastFinished, t.finishedAt());
        }
        // Changes whenever a trial is created, changes state or reports: the page refetches then.
        out.put("stamp", trials.size() + ":" + counts.values() + ":" + intermediates + ":" + lastFinished);
        return out;
    }

    /**
     * Finished trials per second: over the last minute while trials finish, else over the span
     * from the first trial's creation to the last finish.
     */
    static double rate(List<TrialInfo> trials) {
        long now = System.currentTimeMillis();
        long first = Long.MAX_VALUE;
        long last = 0;
        int finished = 0;
        int recent = 0;
        for (TrialInfo t : trials) {
            first = Math.min(first, t.createdAt());
            if (t.finishedAt() > 0) {
                finished++;
                last = Math.max(last, t.finishedAt());
                if (t.finishedAt() > now - RATE_WINDOW_MILLIS) {
                    recent++;
                }
            }
        }
        if (finished == 0) {
            return 0;
        }
        if (recent >= 2) {
            return recent / (Math.min(RATE_WINDOW_MILLIS, now - first) / 1000.0);
        }
        return last > first ? finished / ((last - first) / 1000.0) : 0;
    }

    private Map<String, String> pluginVersions() {
        Map<String, String> out = new LinkedHashMap<>();
        for (PluginInfo p : engine.listPlugins()) {
            out.putIfAbsent(p.kind() + "/" + p.name(), p.version());
        }
        return out;
    }

    /** name@version of the plugin now loaded for that name (or name@range when none is). */
    private static String pluginLabel(String kind, PluginRef ref, Map<String, String> versions) {
        String loaded = versions.get(kind + "/" + ref.name());
        if (loaded != null) {
            return ref.name() + "@" + loaded;
        }
        return ref.name() + (ref.versionRange().isEmpty() ? " (not loaded)" : "@" + ref.versionRange() + " (not loaded)");
    }

    private static Map<String, Object> settings(StudySpec spec) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("parameters", spec.space().parameters().stream().map(p -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.name());
            m.put("type", type(p));
            m.put("domain", p.describeDomain());
            return m;
        }).toList());
        out.put("sampler", plugin(spec.sampler()));
        out.put("scheduler", plugin(spec.scheduler()));
        out.put("fidelity", spec.fidelity() == null ? null : Map.of("name", spec.fidelity().name(),
                "min", spec.fidelity().min(), "max", spec.fidelity().max()));
        out.put("leaseSeconds", spec.leaseMillis() / 1000.0);
        out.put("onLeaseExpired", spec.onLeaseExpired().name());
        out.put("maxAttempts", spec.maxAttempts());
        out.put("samplerTimeoutSeconds", spec.samplerTimeoutMillis() / 1000.0);
        out.put("schedulerTimeoutSeconds", spec.schedulerTimeoutMillis() / 1000.0);
        return out;
    }

    private static Map<String, Object> plugin(PluginRef ref) {
        return Map.of("name", ref.name(), "versionRange", ref.versionRange(), "config", ref.config());
    }

    private static String type(Parameter p) {
        if (p instanceof FloatParameter f) {
            return f.log() ? "float (log)" : "float";
        }
        if (p instanceof IntParameter i) {
            return i.log() ? "int (log)" : "int";
        }
        return p instanceof OrdinalParameter ? "ordinal" : "categorical";
    }

    // ------------------------------------------------------------------ trials

    /** One page of trials in the query's order, with the number of trials matching the filter. */
    Map<String, Object> trials(StudyInfo s, TrialQuery q) {
        List<TrialInfo> matching = new ArrayList<>(engine.listTrials(s.spec().name(), q.states()));
        Comparator<TrialInfo> order = comparator(q.sort(), s.spec());
        matching.sort(q.descending() ? order.reversed() : order);
        int from = Math.min(q.offset(), matching.size());
        int to = Math.min(matching.size(), from + q.limit());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total", matching.size());
        out.put("offset", from);
        out.put("limit", q.limit());
        out.put("trials", matching.subList(from, to).stream().map(t -> row(t, s.spec())).toList());
        return out;
    }

    /** Missing keys (a pruned trial has no value) sort last in ascending order. */
    static Comparator<TrialInfo> comparator(String sort, StudySpec spec) {
        Comparator<TrialInfo> byNumber = Comparator.comparingInt(t -> t.trial().number());
        if (sort.equals("number")) {
            return byNumber;
        }
        if (sort.equals("state")) {
            return Comparator.<TrialInfo, String>comparing(t -> t.trial().state().name()).thenComparing(byNumber);
        }
        if (sort.equals("duration")) {
            return nullsLast(t -> t.finishedAt() > 0 ? (double) (t.finishedAt() - t.createdAt()) : null, byNumber);
        }
        if (sort.equals("finished")) {
            return nullsLast(t -> t.finishedAt() > 0 ? (double) t.finishedAt() : null, byNumber);
        }
        if (sort.equals("value") || sort.startsWith("value:")) {
            int i = sort.equals("value") ? 0 : TrialQuery.integer("sort", sort.substring(6), 0, 0, spec.objectives().size() - 1);
            return nullsLast(t -> t.trial().values().size() > i ? t.trial().values().get(i) : null, byNumber);
        }
        if (sort.startsWith("param:")) {
            String name = sort.substring(6);
            Parameter p = spec.space().parameters().stream().filter(x -> x.name().equals(name)).findFirst()
                    .orElseThrow(() -> new TrialQuery.BadRequest("sort", "the study has no parameter '" + name + "'"));
            return nullsLast(t -> t.trial().config().has(name) ? numeric(p, t.trial().config().get(name)) : null, byNumber);
        }
        throw new TrialQuery.BadRequest("sort", "unknown key '" + sort
                + "'; one of number, state, value, value:I, duration, finished, param:NAME");
    }

    private static Comparator<TrialInfo> nullsLast(java.util.function.Function<TrialInfo, Double> key, Comparator<TrialInfo> then) {
        return Comparator.comparing(key, Comparator.nullsLast(Comparator.naturalOrder())).thenComparing(then);
    }

    /** A trial as a row of the table (and of the CSV). */
    static Map<String, Object> row(TrialInfo info, StudySpec spec) {
        Trial t = info.trial();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("number", t.number());
        out.put("id", t.id());
        out.put("state", t.state().name());
        out.put("values", t.values());
        out.put("params", t.config().values());
        out.put("constraints", t.constraints());
        IntermediateValue last = t.lastIntermediate();
        out.put("lastStep", last == null ? null : last.step());
        out.put("lastIntermediate", last == null ? null : last.value());
        out.put("reports", t.intermediates().size());
        out.put("budget", t.budget());
        out.put("created", info.createdAt());
        out.put("finished", info.finishedAt() == 0 ? null : info.finishedAt());
        out.put("duration", info.finishedAt() == 0 ? null : (info.finishedAt() - info.createdAt()) / 1000.0);
        out.put("attempts", info.attempts());
        out.put("worker", info.worker());
        out.put("reason", info.failReason());
        return out;
    }

    /** Every matching trial as CSV: number, state, the objectives, the parameters, times. */
    String csv(StudyInfo s, Set<TrialState> states) {
        StudySpec spec = s.spec();
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>(List.of("number", "state"));
        spec.objectives().forEach(o -> header.add(o.name()));
        spec.space().parameters().forEach(p -> header.add("param_" + p.name()));
        header.addAll(List.of("last_step", "created", "finished", "duration_s", "attempts", "worker", "reason"));
        line(out, header);
        for (TrialInfo info : engine.listTrials(spec.name(), states)) {
            Trial t = info.trial();
            List<Object> cells = new ArrayList<>(List.of(t.number(), t.state().name()));
            for (int i = 0; i < spec.objectives().size(); i++) {
                cells.add(i < t.values().size() ? t.values().get(i) : "");
            }
            spec.space().parameters().forEach(p -> cells.add(t.config().has(p.name()) ? t.config().get(p.name()) : ""));
            IntermediateValue last = t.lastIntermediate();
            cells.add(last == null ? "" : last.step());
            cells.add(java.time.Instant.ofEpochMilli(info.createdAt()).toString());
            cells.add(info.finishedAt() == 0 ? "" : java.time.Instant.ofEpochMilli(info.finishedAt()).toString());
            cells.add(info.finishedAt() == 0 ? "" : (info.finishedAt() - info.createdAt()) / 1000.0);
            cells.add(info.attempts());
            cells.add(info.worker());
            cells.add(info.failReason());
            line(out, cells);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<?> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            String v = String.valueOf(cells.get(i));
            if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0) {
                v = '"' + v.replace("\"", "\"\"") + '"';
            }
            out.append(v);
        }
        out.append('\n');
    }

    // ------------------------------------------------------------------ charts

    /** Complete trials the study page asks its charts for at most (see {@link ChartSample}). */
    static final int DEFAULT_CHART_POINTS = 1000;

    /**
     * The COMPLETE trials finished at or after {@code since} (epoch millis) as columns: number,
     * finish time, each objective, each parameter (numbers; categorical values as their index
     * into {@code choices}), and {@code pareto} numbers for several objectives. {@code next} is
     * the {@code since} of the next poll. With {@code max > 0} a study with more complete trials
     * answers a {@link ChartSample} of about {@code max} of them drawn for objective
     * {@code objective}; {@code total} always counts them all and {@code shown} the ones answered.
     */
    Map<String, Object> series(StudyInfo s, long since, int max, int objective) {
        StudySpec spec = s.spec();
        List<TrialInfo> finishedTrials = new ArrayList<>();
        long next = since;
        for (TrialInfo info : engine.listTrials(spec.name(), Set.of(TrialState.COMPLETE))) {
            next = Math.max(next, info.finishedAt());
            if (info.finishedAt() >= since) {
                finishedTrials.add(info);
            }
        }
        finishedTrials.sort(Comparator.comparingInt(t -> t.trial().number()));
        List<Objective> objectives = spec.objectives();
        if (objective < 0 || objective >= objectives.size()) {
            throw new TrialQuery.BadRequest("objective", "must be between 0 and " + (objectives.size() - 1) + ", got " + objective);
        }
        List<Integer> paretoNumbers = objectives.size() > 1
                ? engine.bestTrials(spec.name()).stream().map(t -> t.trial().number()).toList() : List.of();
        int total = finishedTrials.size();
        double[][] allValues = new double[total][];
        long[] allFinished = new long[total];
        Set<Integer> paretoIndexes = new java.util.HashSet<>();
        Set<Integer> paretoSet = new java.util.HashSet<>(paretoNumbers);
        for (int k = 0; k < total; k++) {
            TrialInfo info = finishedTrials.get(k);
            allValues[k] = info.trial().values().stream().mapToDouble(Double::doubleValue).toArray();
            allFinished[k] = info.finishedAt();
            if (paretoSet.contains(info.trial().number())) {
                paretoIndexes.add(k);
            }
        }
        int[] kept = ChartSample.select(allValues, allFinished, objectives, paretoIndexes, objective,
                max > 0 ? max : Integer.MAX_VALUE);
        List<Parameter> params = spec.space().parameters();
        int n = kept.length;
        // Primitive columns keep the answer small and quick to write; floats carry the 7
        // significant digits a chart needs (the table shows exact values).
        int[] numbers = new int[n];
        long[] finished = new long[n];
        float[][] values = new float[objectives.size()][n];
        Float[][] paramColumns = new Float[params.size()][n];
        for (int k = 0; k < n; k++) {
            TrialInfo info = finishedTrials.get(kept[k]);
            Trial t = info.trial();
            numbers[k] = t.number();
            finished[k] = info.finishedAt();
            for (int i = 0; i < objectives.size(); i++) {
                values[i][k] = (float) allValues[kept[k]][i];
            }
            for (int i = 0; i < params.size(); i++) {
                Parameter p = params.get(i);
                Double v = t.config().has(p.name()) ? numeric(p, t.config().get(p.name())) : null;
                paramColumns[i][k] = v == null ? null : (float) v.doubleValue();
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("next", next);
        out.put("total", total);
        out.put("shown", n);
        out.put("number", numbers);
        out.put("finished", finished);
        out.put("values", values);
        List<Map<String, Object>> paramOut = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.name());
            m.put("log", p instanceof FloatParameter f ? f.log() : p instanceof IntParameter in && in.log());
            m.put("choices", choices(p));
            m.put("values", paramColumns[i]);
            paramOut.add(m);
        }
        out.put("params", paramOut);
        out.put("pareto", paretoNumbers);
        return out;
    }

    private static List<Object> choices(Parameter p) {
        if (p instanceof CategoricalParameter c) {
            return c.choices().stream().map(String::valueOf).map(Object.class::cast).toList();
        }
        if (p instanceof OrdinalParameter o) {
            return o.choices().stream().map(String::valueOf).map(Object.class::cast).toList();
        }
        return null;
    }

    /** A parameter value as a number on its chart axis: numbers as they are, choices by index. */
    static Double numeric(Parameter p, Object value) {
        if (value instanceof Number n && !(p instanceof CategoricalParameter) && !(p instanceof OrdinalParameter)) {
            return n.doubleValue();
        }
        if (p instanceof CategoricalParameter c) {
            return (double) c.indexOf(value);
        }
        if (p instanceof OrdinalParameter o) {
            return (double) o.indexOf(value);
        }
        return null;
    }

    /**
     * Learning curves of up to {@code limit} trials that reported intermediate values: every
     * RUNNING and PAUSED one first, then the most recently finished, in trial-number order. Each
     * carries the scheduler's decisions as marks ({@code STOP} at the step where a PRUNED trial
     * ended, {@code PAUSE} where a PAUSED one waits).
     */
    Map<String, Object> curves(StudyInfo s, int limit) {
        List<TrialInfo> reported = new ArrayList<>(engine.listTrials(s.spec().name(), Set.of()).stream()
                .filter(t -> !t.trial().intermediates().isEmpty()).toList());
        reported.sort(Comparator.<TrialInfo>comparingInt(t -> t.trial().state().isFinished() ? 1 : 0)
                .thenComparing(Comparator.comparingLong(TrialInfo::finishedAt).reversed()));
        List<TrialInfo> shown = new ArrayList<>(reported.subList(0, Math.min(limit, reported.size())));
        shown.sort(Comparator.comparingInt(t -> t.trial().number()));
        List<Map<String, Object>> curves = new ArrayList<>();
        for (TrialInfo info : shown) {
            Trial t = info.trial();
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("number", t.number());
            c.put("state", t.state().name());
            c.put("steps", t.intermediates().stream().map(IntermediateValue::step).toList());
            c.put("values", t.intermediates().stream().map(IntermediateValue::value).toList());
            c.put("marks", marks(info));
            curves.add(c);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total", reported.size());
        out.put("curves", curves);
        return out;
    }

    /**
     * The scheduler's decisions the engine recorded for the trial, except the routine CONTINUE,
     * each placed on the curve at its step; for a trial without records (stored by an older
     * version) the stop or pause its state implies.
     */
    private static List<Map<String, Object>> marks(TrialInfo info) {
        Trial t = info.trial();
        IntermediateValue last = t.lastIntermediate();
        if (last == null) {
            return List.of();
        }
        if (info.decisions() != null && !info.decisions().isEmpty()) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (DecisionRecord d : info.decisions()) {
                if (!d.decision().equals("CONTINUE")) {
                    Map<String, Object> m = mark(at(t.intermediates(), d.step()), d.decision(), d.reason());
                    m.put("step", d.step());
                    m.put("rung", d.rung() >= 0 ? d.rung() : null);
                    out.add(m);
                }
            }
            return out;
        }
        if (t.state() == TrialState.PRUNED) {
            return List.of(mark(last, "STOP", info.failReason()));
        }
        if (t.state() == TrialState.PAUSED) {
            return List.of(mark(last, "PAUSE", ""));
        }
        return List.of();
    }

    /** The value reported at {@code step}, else the last one before it, else the first. */
    private static IntermediateValue at(List<IntermediateValue> curve, double step) {
        IntermediateValue found = curve.get(0);
        for (IntermediateValue v : curve) {
            if (v.step() <= step) {
                found = v;
            }
        }
        return found;
    }

    private static Map<String, Object> mark(IntermediateValue at, String decision, String reason) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", at.step());
        m.put("value", at.value());
        m.put("decision", decision);
        m.put("reason", reason);
        return m;
    }

    // ------------------------------------------------------------------ plugins

    List<Map<String, Object>> plugins() {
        return engine.listPlugins().stream().map(p -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", p.kind());
            m.put("name", p.name());
            m.put("version", p.version());
            m.put("bundle", p.bundle());
            m.put("state", p.state());
            m.put("description", p.description());
            m.put("calls", metrics.pluginCounts(p.kind(), p.name()));
            m.put("message", p.message());
            m.put("settings", p.settings().stream().map(StudyViews::setting).toList());
            return m;
        }).toList();
    }

    /** A declared plugin setting as the plugins page shows it: name, type, allowed values, default, doc. */
    private static Map<String, Object> setting(io.hypatia.api.Setting s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("type", s.type().name().toLowerCase(Locale.ROOT));
        String range = switch (s.type()) {
            case INT, FLOAT -> (Double.isInfinite(s.min()) && Double.isInfinite(s.max())) ? ""
                    : "[" + (Double.isInfinite(s.min()) ? "-inf" : number(s.min())) + ", "
                    + (Double.isInfinite(s.max()) ? "inf" : number(s.max())) + "]";
            case CHOICE -> String.join(" | ", s.choices());
            case BOOL -> "true | false";
            case TEXT -> "";
        };
        m.put("range", range);
        m.put("default", s.defaultValue());
        m.put("doc", s.doc());
        return m;
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }
}
