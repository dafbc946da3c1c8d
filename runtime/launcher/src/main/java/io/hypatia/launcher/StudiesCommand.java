package io.hypatia.launcher;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hypatia.grpc.v1.DeleteStudyRequest;
import io.hypatia.grpc.v1.GetBestTrialsRequest;
import io.hypatia.grpc.v1.GetStudyRequest;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.ListPluginsRequest;
import io.hypatia.grpc.v1.ListPluginsResponse;
import io.hypatia.grpc.v1.ListStudiesRequest;
import io.hypatia.grpc.v1.ListStudiesResponse;
import io.hypatia.grpc.v1.ListTrialsRequest;
import io.hypatia.grpc.v1.ListTrialsResponse;
import io.hypatia.grpc.v1.Parameter;
import io.hypatia.grpc.v1.ParameterValue;
import io.hypatia.grpc.v1.PluginInfo;
import io.hypatia.grpc.v1.PluginSelection;
import io.hypatia.grpc.v1.Study;
import io.hypatia.grpc.v1.Trial;
import io.hypatia.grpc.v1.TrialCounts;
import io.hypatia.grpc.v1.TrialState;
import io.hypatia.grpc.v1.UpdateStudyRequest;
import io.hypatia.grpc.v1.UpdateStudyResponse;
import io.hypatia.grpc.v1.Value;
import io.hypatia.launcher.bench.BenchException;
import io.hypatia.launcher.bench.CliOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code hypatia studies ...}: look at a running service through its gRPC API. Tables for a
 * terminal, {@code --json} (the API's messages in protobuf's JSON mapping) for scripts; errors
 * are the API's own status and message.
 */
final class StudiesCommand {
    static final String USAGE = """
            usage: hypatia studies <command> [--target HOST:PORT] [--token TOKEN] [--tls | --tls-ca FILE] [--json]

            commands:
              list                 every study: trial counts, best value, sampler, scheduler, created
              show NAME            one study: settings, search space, trial counts, best trial(s)
              trials NAME          its trials [--state S[,S...]] [--csv FILE] (all trials to a CSV file)
              delete NAME          delete the study and its trials
              update NAME --max-budget X
                                   raise the study's max budget (fidelity max) while it runs; asha and
                                   hyperband continue their best finished trials from their checkpoints
              watch NAME           a live progress line with the best value [--interval SECONDS] [--until-done]
              plugins              loaded samplers, schedulers and benchmarks

            options:
              --target HOST:PORT   the service (default 127.0.0.1:50051)
              --token TOKEN        bearer token when the service has authentication (default: $HYPATIA_TOKEN)
              --tls                connect with TLS, trusting the system's certificate authorities
              --tls-ca FILE        connect with TLS, trusting this CA certificate (PEM), e.g. the one that
                                   signed `hypatia serve --tls-cert` (default: $HYPATIA_TLS_CA)
              --json               print the API's messages as JSON instead of tables
            """;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private final HypatiaServiceGrpc.HypatiaServiceBlockingStub api;
    private final PrintStream out;
    private final boolean json;

    StudiesCommand(ManagedChannel channel, PrintStream out, boolean json) {
        this(HypatiaServiceGrpc.newBlockingStub(channel), out, json);
    }

    private StudiesCommand(HypatiaServiceGrpc.HypatiaServiceBlockingStub api, PrintStream out, boolean json) {
        this.api = api;
        this.out = out;
        this.json = json;
    }

    /** Runs the command line; returns the exit status (0 ok, 1 the service refused, 2 usage). */
    static int run(String[] args) {
        CliOptions o;
        try {
            o = new CliOptions(args, 0, Set.of("target", "token", "tls-ca", "state", "csv", "interval", "max-budget"),
                    Set.of("json", "tls", "until-done", "help"), true);
        } catch (BenchException e) {
            System.err.println("hypatia studies: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        }
        List<String> words = o.positional();
        if (o.flag("help") || words.isEmpty()) {
            System.out.print(USAGE);
            return words.isEmpty() && !o.flag("help") ? 2 : 0;
        }
        String target = o.has("target") ? o.get("target") : "127.0.0.1:50051";
        String token = o.has("token") ? o.get("token") : System.getenv("HYPATIA_TOKEN");
        String ca = o.has("tls-ca") ? o.get("tls-ca") : System.getenv("HYPATIA_TLS_CA");
        ManagedChannel channel;
        try {
            channel = ClientChannels.open(target, o.flag("tls"), ca == null || ca.isBlank() ? null : Path.of(ca));
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("hypatia studies: " + e.getMessage());
            return 2;
        }
        try {
            StudiesCommand c = new StudiesCommand(channel, System.out, o.flag("json"));
            if (token != null && !token.isBlank()) {
                io.grpc.Metadata headers = new io.grpc.Metadata();
                headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token.trim());
                c = new StudiesCommand(c.api.withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers)),
                        System.out, o.flag("json"));
            }
            String command = words.get(0);
            switch (command) {
                case "list" -> c.list(words, 1);
                case "show" -> c.show(name(words, command));
                case "trials" -> c.trials(name(words, command), o.get("state"), o.get("csv"));
                case "delete" -> c.delete(name(words, command));
                case "update" -> c.update(name(words, command), maxBudget(o.get("max-budget")));
                case "watch" -> c.watch(name(words, command), interval(o.get("interval")), o.flag("until-done"));
                case "plugins" -> c.plugins(words, 1);
                default -> throw new BenchException("unknown command '" + command + "'");
            }
            return 0;
        } catch (BenchException e) {
            System.err.println("hypatia studies: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        } catch (StatusRuntimeException e) {
            Status s = e.getStatus();
            if (s.getCode() == Status.Code.UNAVAILABLE) {
                System.err.println("hypatia: cannot reach the service at " + target + " (" + s.getCode() + ": "
                        + s.getDescription() + "); is `hypatia serve` running there?");
            } else {
                System.err.println("hypatia: " + s.getCode() + ": " + s.getDescription());
            }
            return 1;
        } catch (IOException e) {
            System.err.println("hypatia: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        } finally {
            channel.shutdownNow();
        }
    }

    private static String name(List<String> words, String command) {
        if (words.size() != 2) {
            throw new BenchException(command + " takes one study name, got " + (words.size() - 1) + " arguments");
        }
        return words.get(1);
    }

    /** The --max-budget value, or null when not given (the service then says max_budget must be set). */
    private static Double maxBudget(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new BenchException("--max-budget must be a number, got '" + text + "'");
        }
    }

    private static long interval(String text) {
        if (text == null) {
            return 1000;
        }
        try {
            double s = Double.parseDouble(text);
            if (!(s >= 0.1 && s <= 3600)) {
                throw new BenchException("--interval must be between 0.1 and 3600 seconds, got " + text);
            }
            return (long) (s * 1000);
        } catch (NumberFormatException e) {
            throw new BenchException("--interval must be a number of seconds, got '" + text + "'");
        }
    }

    private HypatiaServiceGrpc.HypatiaServiceBlockingStub api() {
        return api.withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------- commands

    void list(List<String> words, int from) throws IOException {
        if (words.size() > from) {
            throw new BenchException("list takes no arguments");
        }
        ListStudiesResponse studies = api().listStudies(ListStudiesRequest.getDefaultInstance());
        if (json) {
            printJson(studies);
            return;
        }
        Map<String, String> versions = pluginVersions();
        Table t = new Table("NAME", "TRIALS", "COMPLETE", "RUNNING", "PRUNED", "FAILED", "BEST", "SAMPLER", "SCHEDULER", "CREATED");
        for (Study s : studies.getStudiesList()) {
            TrialCounts c = s.getTrialCounts();
            t.add(s.getName(), total(c), c.getComplete(), c.getRunning(), c.getPruned(), c.getFailed(),
                    best(s), plugin("sampler", s.getSampler(), versions), plugin("scheduler", s.getScheduler(), versions),
                    TIME.format(Instant.ofEpochMilli(s.getCreatedAtMs())));
        }
        if (t.size() == 0) {
            out.println("no studies");
        } else {
            t.print(out);
        }
    }

    void show(String name) throws IOException {
        Study s = api().getStudy(GetStudyRequest.newBuilder().setStudy(name).build()).getStudy();
        List<Trial> best = api().getBestTrials(GetBestTrialsRequest.newBuilder().setStudy(name).build()).getTrialsList();
        if (json) {
            out.println("{\"study\": " + JsonFormat.printer().print(s) + ",\n\"bestTrials\": ["
                    + best.stream().map(StudiesCommand::toJson).collect(Collectors.joining(",\n")) + "]}");
            return;
        }
        Map<String, String> versions = pluginVersions();
        TrialCounts c = s.getTrialCounts();
        Table info = new Table("STUDY", s.getName());
        info.add("created", TIME.format(Instant.ofEpochMilli(s.getCreatedAtMs())));
        info.add("objectives", s.getObjectivesList().stream()
                .map(o -> o.getName() + " (" + o.getDirection().name().toLowerCase(Locale.ROOT) + ")").collect(Collectors.joining(", ")));
        info.add("sampler", plugin("sampler", s.getSampler(), versions) + config(s.getSampler()));
        info.add("scheduler", plugin("scheduler", s.getScheduler(), versions) + config(s.getScheduler()));
        if (s.hasFidelity()) {
            info.add("fidelity", s.getFidelity().getName() + " " + num(s.getFidelity().getMin()) + ".." + num(s.getFidelity().getMax()));
        }
        info.add("trials", total(c) + " (waiting " + c.getWaiting() + ", running " + c.getRunning() + ", paused "
                + c.getPaused() + ", complete " + c.getComplete() + ", pruned " + c.getPruned() + ", failed " + c.getFailed() + ")");
        info.add("leases", s.getLeaseSeconds() + " s, then " + s.getLeasePolicy() + " (max attempts " + s.getMaxAttempts() + ")");
        info.add("plugin fallbacks", s.getPluginFallbacks());
        info.print(out);
        out.println();
        Table space = new Table("PARAMETER", "DOMAIN");
        for (Parameter p : s.getSearchSpace().getParamsList()) {
            space.add(p.getName(), domain(p));
        }
        space.print(out);
        out.println();
        if (best.isEmpty()) {
            out.println("no complete trial yet");
        } else {
            out.println(best.size() == 1 ? "best trial:" : "Pareto front (" + best.size() + " trials):");
            trialTable(best).print(out);
        }
    }

    void trials(String name, String states, String csvFile) throws IOException {
        ListTrialsRequest.Builder request = ListTrialsRequest.newBuilder().setStudy(name);
        if (states != null && !states.isBlank()) {
            for (String st : states.split(",")) {
                try {
                    TrialState state = TrialState.valueOf(st.trim().toUpperCase(Locale.ROOT));
                    if (state == TrialState.UNRECOGNIZED || state == TrialState.TRIAL_STATE_UNSPECIFIED) {
                        throw new IllegalArgumentException();
                    }
                    request.addStates(state);
                } catch (IllegalArgumentException e) {
                    throw new BenchException("--state: unknown trial state '" + st.trim()
                            + "'; one of WAITING, RUNNING, PAUSED, COMPLETE, PRUNED, FAILED");
                }
            }
        }
        ListTrialsResponse trials = api().listTrials(request.build());
        if (csvFile != null) {
            writeCsv(Path.of(csvFile), trials.getTrialsList());
            System.err.println("wrote " + trials.getTrialsCount() + " trials to " + csvFile);
        } else if (json) {
            printJson(trials);
        } else if (trials.getTrialsCount() == 0) {
            out.println("no trials");
        } else {
            trialTable(trials.getTrialsList()).print(out);
        }
    }

    void delete(String name) throws IOException {
        api().deleteStudy(DeleteStudyRequest.newBuilder().setStudy(name).build());
        if (json) {
            out.println("{\"deleted\": \"" + name + "\"}");
        } else {
            out.println("deleted study " + name);
        }
    }

    void update(String name, Double maxBudget) throws IOException {
        UpdateStudyRequest.Builder req = UpdateStudyRequest.newBuilder().setStudy(name);
        if (maxBudget != null) {
            req.setMaxBudget(maxBudget);
        }
        UpdateStudyResponse r = api().updateStudy(req.build());
        if (json) {
            printJson(r);
            return;
        }
        Study s = r.getStudy();
        var raise = s.getBudgetRaises(s.getBudgetRaisesCount() - 1);
        out.println("study " + s.getName() + ": max budget (" + s.getFidelity().getName() + ") raised from "
                + number(raise.getPreviousMax()) + " to " + number(raise.getMax()) + "; " + r.getContinuedCount()
                + " finished trial(s) continued from their checkpoints");
        for (Trial t : r.getContinuedList()) {
            String why = t.getDecisionsCount() == 0 ? "" : t.getDecisions(t.getDecisionsCount() - 1).getReason();
            out.println("  trial " + t.getNumber() + " (id " + t.getId() + "): " + why);
        }
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** Redraws one line (a new line per change when not on a terminal) until interrupted or done. */
    void watch(String name, long intervalMillis, boolean untilDone) throws IOException, InterruptedException {
        boolean terminal = System.console() != null && !json;
        String last = "";
        long startMillis = System.currentTimeMillis();
        int startFinished = -1;
        while (true) {
            Study s = api().getStudy(GetStudyRequest.newBuilder().setStudy(name).build()).getStudy();
            TrialCounts c = s.getTrialCounts();
            int finished = c.getComplete() + c.getPruned() + c.getFailed();
            if (startFinished < 0) {
                startFinished = finished;
            }
            double seconds = (System.currentTimeMillis() - startMillis) / 1000.0;
            String line;
            if (json) {
                line = JsonFormat.printer().omittingInsignificantWhitespace().print(c);
            } else {
                line = String.format(Locale.ROOT, "%s  complete %d  running %d  waiting %d  paused %d  pruned %d  failed %d  best %s  %s",
                        name, c.getComplete(), c.getRunning(), c.getWaiting(), c.getPaused(), c.getPruned(), c.getFailed(), best(s),
                        seconds >= 1 ? String.format(Locale.ROOT, "%.2f trials/s", (finished - startFinished) / seconds) : "");
            }
            if (terminal) {
                out.print("\r" + line + "   ");
                out.flush();
            } else if (!line.equals(last)) {
                out.println(line);
            }
            last = line;
            boolean done = finished > 0 && c.getRunning() + c.getWaiting() + c.getPaused() == 0;
            if (untilDone && done) {
                if (terminal) {
                    out.println();
                }
                return;
            }
            Thread.sleep(intervalMillis); // the poll interval itself, not a synchronisation
        }
    }

    void plugins(List<String> words, int from) throws IOException {
        if (words.size() > from) {
            throw new BenchException("plugins takes no arguments");
        }
        ListPluginsResponse plugins = api().listPlugins(ListPluginsRequest.getDefaultInstance());
        if (json) {
            printJson(plugins);
            return;
        }
        Table t = new Table("KIND", "NAME", "VERSION", "STATE", "BUNDLE", "DESCRIPTION");
        for (PluginInfo p : plugins.getPluginsList()) {
            t.add(p.getKind(), p.getName(), p.getVersion(), p.getState(), p.getBundle(), p.getDescription());
        }
        t.print(out);
    }

    // ---------------------------------------------------------------- helpers

    private Map<String, String> pluginVersions() {
        Map<String, String> out = new HashMap<>();
        for (PluginInfo p : api().listPlugins(ListPluginsRequest.getDefaultInstance()).getPluginsList()) {
            out.putIfAbsent(p.getKind() + "/" + p.getName(), p.getVersion());
        }
        return out;
    }

    private static String plugin(String kind, PluginSelection p, Map<String, String> versions) {
        String v = versions.get(kind + "/" + p.getName());
        return p.getName() + (v != null ? "@" + v : p.getVersionRange().isEmpty() ? " (not loaded)" : "@" + p.getVersionRange() + " (not loaded)");
    }

    private static String config(PluginSelection p) {
        return p.getConfigMap().isEmpty() ? "" : " " + new java.util.TreeMap<>(p.getConfigMap());
    }

    private String best(Study s) {
        if (s.getTrialCounts().getComplete() == 0) {
            return "";
        }
        List<Trial> best = api().getBestTrials(GetBestTrialsRequest.newBuilder().setStudy(s.getName()).build()).getTrialsList();
        if (best.isEmpty()) {
            return "";
        }
        if (best.size() > 1) {
            return best.size() + " on the Pareto front";
        }
        return best.get(0).getValuesList().stream().map(StudiesCommand::num).collect(Collectors.joining(", "))
                + " (#" + best.get(0).getNumber() + ")";
    }

    private static int total(TrialCounts c) {
        return c.getWaiting() + c.getRunning() + c.getPaused() + c.getComplete() + c.getPruned() + c.getFailed();
    }

    private static Table trialTable(List<Trial> trials) {
        List<String> params = paramNames(trials);
        List<String> header = new ArrayList<>(List.of("NUMBER", "STATE", "VALUES"));
        params.forEach(p -> header.add(p));
        header.addAll(List.of("LAST STEP", "DURATION S", "WORKER"));
        Table t = new Table(header.toArray(String[]::new));
        for (Trial tr : trials) {
            Map<String, String> config = config(tr);
            List<Object> row = new ArrayList<>();
            row.add(tr.getNumber());
            row.add(tr.getState().name());
            row.add(tr.getValuesList().stream().map(StudiesCommand::num).collect(Collectors.joining(", ")));
            params.forEach(p -> row.add(config.getOrDefault(p, "")));
            row.add(tr.getIntermediateValuesCount() == 0 ? ""
                    : num(tr.getIntermediateValues(tr.getIntermediateValuesCount() - 1).getStep()));
            row.add(tr.getFinishedAtMs() == 0 ? "" : String.format(Locale.ROOT, "%.1f", (tr.getFinishedAtMs() - tr.getCreatedAtMs()) / 1000.0));
            row.add(tr.getWorker());
            t.add(row.toArray());
        }
        return t;
    }

    private static List<String> paramNames(List<Trial> trials) {
        List<String> names = new ArrayList<>();
        for (Trial t : trials) {
            for (ParameterValue p : t.getConfigList()) {
                if (!names.contains(p.getName())) {
                    names.add(p.getName());
                }
            }
        }
        return names;
    }

    private static Map<String, String> config(Trial t) {
        Map<String, String> out = new HashMap<>();
        t.getConfigList().forEach(p -> out.put(p.getName(), value(p.getValue())));
        return out;
    }

    private static String value(Value v) {
        return switch (v.getKindCase()) {
            case FLOAT_VALUE -> num(v.getFloatValue());
            case INT_VALUE -> Long.toString(v.getIntValue());
            case STRING_VALUE -> v.getStringValue();
            default -> "";
        };
    }

    private static String domain(Parameter p) {
        return switch (p.getDomainCase()) {
            case FLOAT -> "float [" + num(p.getFloat().getLow()) + ", " + num(p.getFloat().getHigh()) + "]" + (p.getFloat().getLog() ? " log" : "");
            case INT -> "int [" + p.getInt().getLow() + ", " + p.getInt().getHigh() + "]"
                    + (p.getInt().getStep() > 1 ? " step " + p.getInt().getStep() : "") + (p.getInt().getLog() ? " log" : "");
            case CATEGORICAL -> "categorical " + p.getCategorical().getChoicesList().stream().map(StudiesCommand::value).toList();
            case ORDINAL -> "ordinal " + p.getOrdinal().getChoicesList().stream().map(StudiesCommand::value).toList();
            default -> "";
        } + (p.hasCondition() ? "  if " + p.getCondition().getParent() + " in "
                + p.getCondition().getValuesList().stream().map(StudiesCommand::value).toList() : "");
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replace(".e", "e").replaceAll("\\.$", "");
    }

    private void printJson(MessageOrBuilder message) throws InvalidProtocolBufferException {
        out.println(JsonFormat.printer().print(message));
    }

    private static String toJson(MessageOrBuilder message) {
        try {
            return JsonFormat.printer().print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeCsv(Path file, List<Trial> trials) throws IOException {
        List<String> params = paramNames(trials);
        int objectives = trials.stream().mapToInt(Trial::getValuesCount).max().orElse(0);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            List<String> header = new ArrayList<>(List.of("number", "id", "state"));
            for (int i = 0; i < objectives; i++) {
                header.add("value_" + i);
            }
            params.forEach(p -> header.add("param_" + p));
            header.addAll(List.of("last_step", "created_at", "finished_at", "attempts", "worker", "reason"));
            w.write(String.join(",", header) + "\n");
            for (Trial t : trials) {
                Map<String, String> config = config(t);
                List<String> cells = new ArrayList<>(List.of(Integer.toString(t.getNumber()), Long.toString(t.getId()), t.getState().name()));
                for (int i = 0; i < objectives; i++) {
                    cells.add(i < t.getValuesCount() ? Double.toString(t.getValues(i)) : "");
                }
                params.forEach(p -> cells.add(config.getOrDefault(p, "")));
                cells.add(t.getIntermediateValuesCount() == 0 ? ""
                        : Double.toString(t.getIntermediateValues(t.getIntermediateValuesCount() - 1).getStep()));
                cells.add(Instant.ofEpochMilli(t.getCreatedAtMs()).toString());
                cells.add(t.getFinishedAtMs() == 0 ? "" : Instant.ofEpochMilli(t.getFinishedAtMs()).toString());
                cells.add(Integer.toString(t.getAttempts()));
                cells.add(t.getWorker());
                cells.add(t.getFailReason());
                w.write(cells.stream().map(StudiesCommand::csvCell).collect(Collectors.joining(",")) + "\n");
            }
        }
    }

    private static String csvCell(String v) {
        return v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }
}
