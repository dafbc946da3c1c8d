package io.hypatia.gateway;

import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.hypatia.engine.StudyInfo;
import io.hypatia.engine.security.Echo;
import io.hypatia.engine.security.Principal;
import io.hypatia.engine.security.Quotas;
import io.hypatia.engine.security.TenantNames;
import io.hypatia.api.space.InvalidSpaceException;
import io.hypatia.engine.EngineException;
import io.hypatia.engine.StudyEngine;
import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.engine.StudyEngine.Outcome;
import io.hypatia.engine.StudySpec;
import io.hypatia.engine.TrialInfo;
import io.hypatia.grpc.v1.InstallPluginRequest;
import io.hypatia.grpc.v1.InstallPluginResponse;
import io.hypatia.grpc.v1.ListPluginJarsRequest;
import io.hypatia.grpc.v1.ListPluginJarsResponse;
import io.hypatia.grpc.v1.UninstallPluginRequest;
import io.hypatia.grpc.v1.UninstallPluginResponse;
import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.AskResponse;
import io.hypatia.grpc.v1.AskedTrial;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.CreateStudyResponse;
import io.hypatia.grpc.v1.DeleteStudyRequest;
import io.hypatia.grpc.v1.DeleteStudyResponse;
import io.hypatia.grpc.v1.EnqueueTrialRequest;
import io.hypatia.grpc.v1.EnqueueTrialResponse;
import io.hypatia.grpc.v1.GetBestTrialsRequest;
import io.hypatia.grpc.v1.GetBestTrialsResponse;
import io.hypatia.grpc.v1.GetStudyRequest;
import io.hypatia.grpc.v1.GetStudyResponse;
import io.hypatia.grpc.v1.GetTrialRequest;
import io.hypatia.grpc.v1.GetTrialResponse;
import io.hypatia.grpc.v1.HeartbeatRequest;
import io.hypatia.grpc.v1.HeartbeatResponse;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.ListPluginsRequest;
import io.hypatia.grpc.v1.ListPluginsResponse;
import io.hypatia.grpc.v1.ListStudiesRequest;
import io.hypatia.grpc.v1.ListStudiesResponse;
import io.hypatia.grpc.v1.ListTrialsRequest;
import io.hypatia.grpc.v1.ListTrialsResponse;
import io.hypatia.grpc.v1.ReportRequest;
import io.hypatia.grpc.v1.ReportResponse;
import io.hypatia.grpc.v1.TellRequest;
import io.hypatia.grpc.v1.TellResponse;
import io.hypatia.grpc.v1.TrialState;
import io.hypatia.grpc.v1.UpdateStudyRequest;
import io.hypatia.grpc.v1.UpdateStudyResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The hypatia.v1 service: bounds each request ({@link RequestBounds}), scopes study names to the
 * caller's tenant ({@link TenantNames}), converts it with {@link ProtoMapping}, calls the
 * {@link StudyEngine} and maps failures to gRPC statuses in one place ({@link #toStatus}).
 */
public final class HypatiaGrpcService extends HypatiaServiceGrpc.HypatiaServiceImplBase {
    private static final Logger LOG = Logger.getLogger(HypatiaGrpcService.class.getName());
    /** Longest status description sent back; keeps errors well inside a client's 8 KiB metadata limit. */
    static final int MAX_DESCRIPTION_CHARS = 2000;
    /** Serialized size allowed per trial beyond the search space when estimating an Ask answer. */
    private static final int TRIAL_OVERHEAD_BYTES = 512;
    /** The engine's bound on study names, which a tenant's prefix counts against. */
    private static final int MAX_STORED_NAME_CHARS = 128;

    private final StudyEngine engine;
    private final Limits limits;
    private final Quotas quotas;
    private final RequestBounds bounds;

    public HypatiaGrpcService(StudyEngine engine) {
        this(engine, Limits.DEFAULT, Quotas.DEFAULT);
    }

    public HypatiaGrpcService(StudyEngine engine, Limits limits, Quotas quotas) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.quotas = Objects.requireNonNull(quotas, "quotas");
        this.bounds = new RequestBounds(limits);
    }

    /** The study a request names, as stored and as the caller calls it, for scoping and for error messages. */
    private record Target(String stored, String shown, long trialId) {
        static final Target NONE = new Target(null, null, 0);
    }

    private static Principal caller() {
        return AuthInterceptor.PRINCIPAL.get();
    }

    private static Target study(String name) {
        return trial(name, 0);
    }

    /** The study a request names (checked in {@link #unary}: an empty name is INVALID_ARGUMENT). */
    private static Target trial(String name, long trialId) {
        return new Target(TenantNames.stored(caller(), name), name, trialId);
    }

    // ---------------------------------------------------------------- studies

    @Override
    public void createStudy(CreateStudyRequest request, StreamObserver<CreateStudyResponse> out) {
        Target target = request.getName().isEmpty() ? Target.NONE : study(request.getName());
        unary(out, request, target, () -> {
            if (target.stored() != null && target.stored().length() > MAX_STORED_NAME_CHARS) {
                Principal caller = caller(); // null without authentication: names are stored as given
                String tenant = caller == null || caller.isAdmin() ? "" : " for tenant '" + caller.tenant() + "'";
                throw EngineException.invalid("name", "must be at most " + (MAX_STORED_NAME_CHARS - target.stored().length()
                        + target.shown().length()) + " characters" + tenant + ", got " + target.shown().length());
            }
            checkStudyQuota();
            CreateStudyRequest scoped = target == Target.NONE ? request : request.toBuilder().setName(target.stored()).build();
            StudySpec spec = request.getBenchmark().isEmpty() ? ProtoMapping.toSpec(scoped) : onBenchmark(scoped);
            return CreateStudyResponse.newBuilder().setStudy(shown(engine.createStudy(spec))).build();
        });
    }

    /** A study on a benchmark plugin's search space and objectives. */
    private StudySpec onBenchmark(CreateStudyRequest request) {
        if (request.hasSearchSpace() || request.getObjectivesCount() > 0) {
            throw EngineException.invalid("benchmark", "give either a benchmark or search_space and objectives, not both");
        }
        Benchmark b = engine.plugins().benchmark(request.getBenchmark(), "").map(r -> r.service()).orElseThrow(() -> EngineException.invalid(
                "benchmark", "no benchmark named '" + Echo.truncate(request.getBenchmark()) + "' is loaded; loaded benchmarks: "
                        + engine.listPlugins().stream().filter(p -> p.kind().equals("benchmark")).map(p -> p.name()).sorted().toList()));
        StudySpec s = ProtoMapping.toSpec(request.toBuilder().setSearchSpace(ProtoMapping.toProto(b.space())).build());
        return new StudySpec(s.name(), b.space(), b.objectives(), s.sampler(), s.scheduler(),
                request.hasFidelity() ? s.fidelity() : b.fidelity().orElse(null), s.leaseMillis(), s.onLeaseExpired(),
                s.maxAttempts(), s.samplerTimeoutMillis(), s.schedulerTimeoutMillis(), s.onMissingPlugin());
    }

    @Override
    public void getStudy(GetStudyRequest request, StreamObserver<GetStudyResponse> out) {
        Target target = study(request.getStudy());
        unary(out, request, target, () -> GetStudyResponse.newBuilder()
                .setStudy(shown(engine.getStudy(target.stored())))
                .build());
    }

    @Override
    public void listStudies(ListStudiesRequest request, StreamObserver<ListStudiesResponse> out) {
        unary(out, request, Target.NONE, () -> {
            int pageSize = pageSize(request.getPageSize());
            long after = pageToken(request.getPageToken(), "s");
            ListStudiesResponse.Builder b = ListStudiesResponse.newBuilder();
            int budget = limits.maxResponseBytes() - 64;
            long last = after;
            boolean more = false;
            for (StudyInfo s : engine.listStudies()) {
                if (s.id() <= after || !TenantNames.visible(caller(), s.spec().name())) {
                    continue;
                }
                io.hypatia.grpc.v1.Study study = shown(s);
                int size = study.getSerializedSize() + 8;
                if (b.getStudiesCount() == pageSize || (b.getStudiesCount() > 0 && size > budget)) {
                    more = true;
                    break;
                }
                b.addStudies(study);
                budget -= size;
                last = s.id();
            }
            return b.setNextPageToken(more ? token("s", last) : "").build();
        });
    }

    @Override
    public void deleteStudy(DeleteStudyRequest request, StreamObserver<DeleteStudyResponse> out) {
        Target target = study(request.getStudy());
        unary(out, request, target, () -> {
            engine.deleteStudy(target.stored());
            return DeleteStudyResponse.getDefaultInstance();
        });
    }

    /**
     * Raises a study's max budget. Scoped like DeleteStudy: a user reaches only its tenant's
     * studies (another tenant's is NOT_FOUND), an admin any.
     */
    @Override
    public void updateStudy(UpdateStudyRequest request, StreamObserver<UpdateStudyResponse> out) {
        Target target = study(request.getStudy());
        unary(out, request, target, () -> {
            if (!request.hasMaxBudget()) {
                engine.getStudy(target.stored()); // an unknown study is NOT_FOUND first
                throw EngineException.invalid("max_budget", "must be set: the new max budget (fidelity max) of the study");
            }
            StudyEngine.BudgetRaised raised = engine.raiseMaxBudget(target.stored(), request.getMaxBudget());
            UpdateStudyResponse.Builder b = UpdateStudyResponse.newBuilder().setStudy(shown(raised.study()));
            raised.continued().forEach(t -> b.addContinued(ProtoMapping.toProto(t)));
            return b.build();
        });
    }

    // ---------------------------------------------------------------- trials

    @Override
    public void enqueueTrial(EnqueueTrialRequest request, StreamObserver<EnqueueTrialResponse> out) {
        Target target = study(request.getStudy());
        unary(out, request, target, () -> {
            checkTrialQuota(target, 1, false);
            return EnqueueTrialResponse.newBuilder()
                    .setTrial(ProtoMapping.toProto(engine.enqueue(target.stored(), ProtoMapping.toConfig(request.getConfigList()))))
                    .build();
        });
    }

    @Override
    public void ask(AskRequest request, StreamObserver<AskResponse> out) {
        Target target = study(request.getStudy());
        unary(out, request, target, () -> {
            int count = request.getCount() == 0 ? 1 : request.getCount();
            if (count < 1 || count > limits.maxAskCount()) {
                throw EngineException.invalid("count", "must be between 1 and " + limits.maxAskCount()
                        + " (limit max_ask_count), got " + count);
            }
            checkAskSize(target, count);
            checkTrialQuota(target, count, true);
            AskResponse.Builder b = AskResponse.newBuilder();
            for (StudyEngine.Asked asked : engine.ask(target.stored(), count, request.getWorker(), request.getRequestId())) {
                b.addTrials(AskedTrial.newBuilder()
                        .setTrial(ProtoMapping.toProto(asked.info()))
                        .setResumed(asked.resumed())
                        .setAttempt(asked.attempt())
                        .setHandOut(ProtoMapping.toProto(asked.handOut()))
                        .setCheckpoint(asked.checkpoint())
                        .setResumeStep(asked.resumeStep())
                        .setBudget(asked.info().trial().budget()));
            }
            return b.build();
        });
    }

    /** Refuses an Ask whose answer would clearly exceed max_response_bytes, before any trial is leased. */
    private void checkAskSize(Target target, int count) {
        if (count == 1) {
            return;
        }
        long perTrial = ProtoMapping.toProto(engine.getStudy(target.stored()).spec().space()).getSerializedSize() + TRIAL_OVERHEAD_BYTES;
        if (perTrial * count > limits.maxResponseBytes()) {
            long fits = Math.max(1, limits.maxResponseBytes() / perTrial);
            throw new StatusRuntimeException(Status.RESOURCE_EXHAUSTED.withDescription("count: " + count
                    + " trials of this study would answer about " + perTrial * count + " bytes, above the "
                    + limits.maxResponseBytes() + " allowed (limit max_response_bytes); ask for at most " + fits));
        }
    }

    @Override
    public void tell(TellRequest request, StreamObserver<TellResponse> out) {
        Target target = trial(request.getStudy(), request.getTrialId());
        unary(out, request, target, () -> {
            long trialId = requireTrialId(request.getTrialId());
            Outcome outcome = switch (request.getOutcomeCase()) {
                case COMPLETE -> Outcome.complete(request.getComplete().getValuesList(), request.getComplete().getConstraintsList());
                case FAILED -> Outcome.failed(request.getFailed().getReason());
                case PRUNED -> new Outcome(io.hypatia.api.study.TrialState.PRUNED, List.of(), request.getPruned().getReason());
                case OUTCOME_NOT_SET -> throw EngineException.invalid("outcome", "must set one of complete, failed or pruned");
            };
            TrialInfo told;
            try {
                told = engine.tell(target.stored(), trialId, outcome, request.getRequestId(), request.getAttempt(),
                        request.getCheckpoint());
            } catch (EngineException e) {
                // The engine says "values[0]"; in this request the field is complete.values[0].
                boolean completeField = e.field() != null && (e.field().startsWith("values") || e.field().startsWith("constraints"));
                throw completeField ? renamed(e, "complete." + e.field()) : e;
            }
            return TellResponse.newBuilder().setTrial(ProtoMapping.toProto(told)).build();
        });
    }

    @Override
    public void report(ReportRequest request, StreamObserver<ReportResponse> out) {
        Target target = trial(request.getStudy(), request.getTrialId());
        unary(out, request, target, () -> {
            long trialId = requireTrialId(request.getTrialId());
            var verdict = engine.report(target.stored(), trialId, request.getStep(), request.getValue(),
                    request.getAttempt(), request.getCheckpoint());
            return ReportResponse.newBuilder().setDecision(ProtoMapping.toProto(verdict.decision()))
                    .setRung(verdict.rung()).setReason(verdict.reason()).build();
        });
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> out) {
        Target target = trial(request.getStudy(), request.getTrialId());
        unary(out, request, target, () -> {
            int attempt = request.getAttempt();
            TrialInfo info = engine.heartbeat(target.stored(), requireTrialId(request.getTrialId()), attempt);
            TrialState state = ProtoMapping.toProto(info.trial().state());
            boolean superseded = attempt != 0 && attempt != info.attempts();
            return HeartbeatResponse.newBuilder()
                    .setState(state)
                    .setShouldStop(state != TrialState.RUNNING || superseded)
                    .setLeaseExpiresAtMs(info.leaseExpiresAt())
                    .build();
        });
    }

    @Override
    public void getTrial(GetTrialRequest request, StreamObserver<GetTrialResponse> out) {
        Target target = trial(request.getStudy(), request.getTrialId());
        unary(out, request, target, () -> GetTrialResponse.newBuilder()
                .setTrial(ProtoMapping.toProto(engine.getTrial(target.stored(), requireTrialId(request.getTrialId()))))
                .build());
    }

    @Override
    public void listTrials(ListTrialsRequest request, StreamObserver<ListTrialsResponse> out) {
        Target target = study(request.getStudy());
        unary(out, request, target, () -> {
            Set<io.hypatia.api.study.TrialState> states = EnumSet.noneOf(io.hypatia.api.study.TrialState.class);
            for (int i = 0; i < request.getStatesCount(); i++) {
                states.add(ProtoMapping.toTrialState(request.getStates(i), "states[" + i + "]"));
            }
            int pageSize = pageSize(request.getPageSize());
            long after = pageToken(request.getPageToken(), "t");
            ListTrialsResponse.Builder b = ListTrialsResponse.newBuilder();
            int budget = limits.maxResponseBytes() - 64;
            long last = after;
            boolean more = false;
            // One more than the page, to know whether another page follows.
            for (TrialInfo t : engine.listTrials(target.stored(), states, after, pageSize + 1)) {
                io.hypatia.grpc.v1.Trial trial = ProtoMapping.toProto(t);
                int size = trial.getSerializedSize() + 8;
                if (b.getTrialsCount() == pageSize || (b.getTrialsCount() > 0 && size > budget)) {
                    more = true;
                    break;
                }
                b.addTrials(trial);
                budget -= size;
                last = t.trial().id();
            }
            return b.setNextPageToken(more ? token("t", last) : "").build();
        });
    }

    @Override
    public void getBestTrials(GetBestTrialsRequest request, StreamObserver<GetBestTrialsResponse> out) {
        Target target = study(request.getStudy());
        unary(out, request, target, () -> {
            GetBestTrialsResponse.Builder b = GetBestTrialsResponse.newBuilder();
            engine.bestTrials(target.stored()).forEach(t -> b.addTrials(ProtoMapping.toProto(t)));
            return b.build();
        });
    }

    // ---------------------------------------------------------------- plugins

    @Override
    public void listPlugins(ListPluginsRequest request, StreamObserver<ListPluginsResponse> out) {
        unary(out, request, Target.NONE, () -> {
            ListPluginsResponse.Builder b = ListPluginsResponse.newBuilder();
            var faults = engine.pluginFaults();
            engine.listPlugins().forEach(p -> {
                var info = ProtoMapping.toProto(p).toBuilder();
                var f = faults.get(p.kind() + " " + p.name());
                if (f != null) {
                    info.setCalls(f.calls()).setFailures(f.failures()).setTimeouts(f.timeouts()).setRejected(f.rejected())
                            .setQuarantined(f.quarantined());
                }
                b.addPlugins(info);
            });
            return b.build();
        });
    }

    @Override
    public void installPlugin(InstallPluginRequest request, StreamObserver<InstallPluginResponse> out) {
        unary(out, request, Target.NONE, () -> {
            InstallPluginResponse.Builder b = InstallPluginResponse.newBuilder();
            engine.plugins().install(request.getFileName(), request.getJar().toByteArray())
                    .forEach(p -> b.addPlugins(ProtoMapping.toProto(p)));
            return b.build();
        });
    }

    @Override
    public void uninstallPlugin(UninstallPluginRequest request, StreamObserver<UninstallPluginResponse> out) {
        unary(out, request, Target.NONE, () -> {
            engine.plugins().uninstall(request.getFileName());
            return UninstallPluginResponse.getDefaultInstance();
        });
    }

    @Override
    public void listPluginJars(ListPluginJarsRequest request, StreamObserver<ListPluginJarsResponse> out) {
        unary(out, request, Target.NONE, () -> {
            ListPluginJarsResponse.Builder b = ListPluginJarsResponse.newBuilder();
            engine.plugins().jars().forEach(p -> b.addJars(ProtoMapping.toProto(p)));
            return b.build();
        });
    }

    // ---------------------------------------------------------------- tenants and quotas

    /** The study as its caller names it. */
    private static io.hypatia.grpc.v1.Study shown(StudyInfo info) {
        io.hypatia.grpc.v1.Study study = ProtoMapping.toProto(info);
        Principal caller = caller();
        return caller == null || caller.isAdmin() ? study
                : study.toBuilder().setName(TenantNames.shown(caller, info.spec().name())).build();
    }

    /** The caller's studies (stored names), for quotas; empty for an admin or without authentication. */
    private List<StudyInfo> tenantStudies() {
        Principal caller = caller();
        if (caller == null || caller.isAdmin()) {
            return List.of();
        }
        return engine.listStudies().stream().filter(s -> TenantNames.visible(caller, s.spec().name())).toList();
    }

    private void checkStudyQuota() {
        Principal caller = caller();
        if (caller == null || caller.isAdmin()) {
            return;
        }
        int have = tenantStudies().size();
        if (have >= quotas.studies()) {
            throw quotaExceeded("tenant '" + caller.tenant() + "' has " + have + " studies; the quota is "
                    + quotas.studies() + " (quota studies); delete one first");
        }
    }

    /**
     * Trials per study and running trials per tenant. Checked before the call, so concurrent calls of
     * one tenant can overshoot by the trials they ask for at the same time.
     */
    private void checkTrialQuota(Target target, int count, boolean leases) {
        Principal caller = caller();
        if (caller == null || caller.isAdmin()) {
            return;
        }
        int trials = engine.getStudy(target.stored()).trialCounts().values().stream().mapToInt(Integer::intValue).sum();
        if (trials + count > quotas.trialsPerStudy()) {
            throw quotaExceeded("study '" + Echo.truncate(target.shown()) + "' has " + trials + " trials; " + count
                    + " more would pass the quota of " + quotas.trialsPerStudy() + " (quota trials_per_study)");
        }
        if (leases) {
            int running = engine.runningTrials(caller.tenant()); // kept by the engine: no scan of the tenant's studies per ask
            if (running + count > quotas.runningTrials()) {
                throw quotaExceeded("tenant '" + caller.tenant() + "' has " + running + " RUNNING trials; " + count
                        + " more would pass the quota of " + quotas.runningTrials() + " (quota running_trials); tell some first");
            }
        }
    }

    private static StatusRuntimeException quotaExceeded(String message) {
        return new StatusRuntimeException(Status.RESOURCE_EXHAUSTED.withDescription(message));
    }

    // ---------------------------------------------------------------- pages

    private int pageSize(int requested) {
        int max = limits.get("max_page_size");
        if (requested < 0 || requested > max) {
            throw EngineException.invalid("page_size", "must be between 0 (the default, " + limits.get("default_page_size")
                    + ") and " + max + " (limit max_page_size), got " + requested);
        }
        return requested == 0 ? Math.min(max, limits.get("default_page_size")) : requested;
    }

    /** An opaque page token: the id of the last item of the previous page. */
    private static String token(String kind, long lastId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((kind + ":" + lastId).getBytes(StandardCharsets.UTF_8));
    }

    /** The last id of the previous page, 0 for the first page. */
    private static long pageToken(String token, String kind) {
        if (token.isEmpty()) {
            return 0;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.startsWith(kind + ":")) {
                long id = Long.parseLong(text.substring(kind.length() + 1));
                if (id >= 0) {
                    return id;
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error below (NumberFormatException is an IllegalArgumentException)
        }
        throw EngineException.invalid("page_token", "is not a next_page_token this call returned");
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Runs one unary call; every failure becomes a proper status so clients never see UNKNOWN. The
     * request is bounded first, a call the client has cancelled (or whose deadline passed) is not
     * started, and an answer over max_response_bytes is refused.
     */
    private <T extends Message> void unary(StreamObserver<T> out, Message request, Target target, Supplier<T> call) {
        T response;
        try {
            bounds.check(request);
            if (target != Target.NONE && target.shown().isEmpty()) {
                throw EngineException.invalid("study", "must name a study");
            }
            Context context = Context.current();
            if (context.isCancelled()) {
                Status status = context.getDeadline() != null && context.getDeadline().isExpired()
                        ? Status.DEADLINE_EXCEEDED.withDescription("the deadline passed before the call started")
                        : Status.CANCELLED.withDescription("the client cancelled the call");
                throw status.asRuntimeException();
            }
            response = call.get();
            int size = response.getSerializedSize();
            if (size > limits.maxResponseBytes()) {
                throw Status.RESOURCE_EXHAUSTED.withDescription("the answer would be " + size + " bytes, above the "
                        + limits.maxResponseBytes() + " allowed (limit max_response_bytes)").asRuntimeException();
            }
        } catch (Throwable t) {
            try {
                out.onError(toStatus(t, target).asRuntimeException());
            } catch (RuntimeException cancelled) {
                // the call was cancelled meanwhile; nobody is listening
            }
            return;
        }
        out.onNext(response);
        out.onCompleted();
    }

    static Status toStatus(Throwable t) {
        return toStatus(t, Target.NONE);
    }

    /**
     * The status for a failure. Messages speak of the study by the caller's name for it, never
     * name another study (a trial id of another study is simply not found), and are cut to
     * {@link #MAX_DESCRIPTION_CHARS}.
     */
    private static Status toStatus(Throwable t, Target target) {
        if (t instanceof StatusRuntimeException e) {
            return e.getStatus().withDescription(cap(e.getStatus().getDescription()));
        }
        if (t instanceof EngineException e) {
            Status status = switch (e.code()) {
                case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
                case NOT_FOUND -> Status.NOT_FOUND;
                case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
                case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
                case UNAVAILABLE -> Status.UNAVAILABLE;
                case OUT_OF_RANGE -> Status.OUT_OF_RANGE;
            };
            String message = e.getMessage();
            if (target.stored() != null) {
                if (e.code() == EngineException.Code.NOT_FOUND && "trial_id".equals(e.field())) {
                    message = "trial_id: no trial " + target.trialId() + " in study '" + Echo.truncate(target.shown()) + "'";
                } else if (e.code() == EngineException.Code.NOT_FOUND && "study".equals(e.field())) {
                    message = "study: no study named '" + Echo.truncate(target.shown()) + "'";
                } else {
                    message = message.replace("'" + target.stored() + "'", "'" + Echo.truncate(target.shown()) + "'");
                }
            }
            return status.withDescription(cap(message));
        }
        if (t instanceof InvalidSpaceException e) {
            // Spaces are converted in ProtoMapping; a stray one still names its field.
            return Status.INVALID_ARGUMENT.withDescription(cap(e.getMessage()));
        }
        LOG.log(Level.WARNING, "internal error while handling a request", t);
        return Status.INTERNAL.withDescription(cap("internal error: " + t)).withCause(t);
    }

    private static String cap(String description) {
        if (description == null || description.length() <= MAX_DESCRIPTION_CHARS) {
            return description;
        }
        return description.substring(0, MAX_DESCRIPTION_CHARS) + "...(cut from " + description.length() + " characters)";
    }

    private static long requireTrialId(long trialId) {
        if (trialId <= 0) {
            throw EngineException.invalid("trial_id", "must be a positive trial id, got " + trialId);
        }
        return trialId;
    }

    private static EngineException renamed(EngineException e, String field) {
        String prefix = e.field() + ": ";
        String message = e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
        return new EngineException(e.code(), field, message);
    }
}
