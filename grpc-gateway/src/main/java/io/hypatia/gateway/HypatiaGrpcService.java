package io.hypatia.gateway;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
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
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The hypatia.v1 service: validates each request, converts it with {@link ProtoMapping}, calls the
 * {@link StudyEngine} and maps failures to gRPC statuses in one place ({@link #toStatus}).
 */
public final class HypatiaGrpcService extends HypatiaServiceGrpc.HypatiaServiceImplBase {
    private static final Logger LOG = Logger.getLogger(HypatiaGrpcService.class.getName());

    private final StudyEngine engine;

    public HypatiaGrpcService(StudyEngine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    // ---------------------------------------------------------------- studies

    @Override
    public void createStudy(CreateStudyRequest request, StreamObserver<CreateStudyResponse> out) {
        unary(out, () -> {
            StudySpec spec = request.getBenchmark().isEmpty() ? ProtoMapping.toSpec(request) : onBenchmark(request);
            return CreateStudyResponse.newBuilder().setStudy(ProtoMapping.toProto(engine.createStudy(spec))).build();
        });
    }

    /** A study on a benchmark plugin's search space and objectives. */
    private StudySpec onBenchmark(CreateStudyRequest request) {
        if (request.hasSearchSpace() || request.getObjectivesCount() > 0) {
            throw EngineException.invalid("benchmark", "give either a benchmark or search_space and objectives, not both");
        }
        Benchmark b = engine.plugins().benchmark(request.getBenchmark(), "").map(r -> r.service()).orElseThrow(() -> EngineException.invalid(
                "benchmark", "no benchmark named '" + request.getBenchmark() + "' is loaded; loaded benchmarks: "
                        + engine.listPlugins().stream().filter(p -> p.kind().equals("benchmark")).map(p -> p.name()).sorted().toList()));
        StudySpec s = ProtoMapping.toSpec(request.toBuilder().setSearchSpace(ProtoMapping.toProto(b.space())).build());
        return new StudySpec(s.name(), b.space(), b.objectives(), s.sampler(), s.scheduler(),
                request.hasFidelity() ? s.fidelity() : b.fidelity().orElse(null), s.leaseMillis(), s.onLeaseExpired(),
                s.maxAttempts(), s.samplerTimeoutMillis(), s.schedulerTimeoutMillis());
    }

    @Override
    public void getStudy(GetStudyRequest request, StreamObserver<GetStudyResponse> out) {
        unary(out, () -> GetStudyResponse.newBuilder()
                .setStudy(ProtoMapping.toProto(engine.getStudy(request.getStudy())))
                .build());
    }

    @Override
    public void listStudies(ListStudiesRequest request, StreamObserver<ListStudiesResponse> out) {
        unary(out, () -> {
            ListStudiesResponse.Builder b = ListStudiesResponse.newBuilder();
            engine.listStudies().forEach(s -> b.addStudies(ProtoMapping.toProto(s)));
            return b.build();
        });
    }

    @Override
    public void deleteStudy(DeleteStudyRequest request, StreamObserver<DeleteStudyResponse> out) {
        unary(out, () -> {
            engine.deleteStudy(request.getStudy());
            return DeleteStudyResponse.getDefaultInstance();
        });
    }

    // ---------------------------------------------------------------- trials

    @Override
    public void enqueueTrial(EnqueueTrialRequest request, StreamObserver<EnqueueTrialResponse> out) {
        unary(out, () -> EnqueueTrialResponse.newBuilder()
                .setTrial(ProtoMapping.toProto(engine.enqueue(request.getStudy(), ProtoMapping.toConfig(request.getConfigList()))))
                .build());
    }

    @Override
    public void ask(AskRequest request, StreamObserver<AskResponse> out) {
        unary(out, () -> {
            int count = request.getCount() == 0 ? 1 : request.getCount();
            AskResponse.Builder b = AskResponse.newBuilder();
            for (StudyEngine.Asked asked : engine.ask(request.getStudy(), count, request.getWorker())) {
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

    @Override
    public void tell(TellRequest request, StreamObserver<TellResponse> out) {
        unary(out, () -> {
            long trialId = requireTrialId(request.getTrialId());
            Outcome outcome = switch (request.getOutcomeCase()) {
                case COMPLETE -> Outcome.complete(request.getComplete().getValuesList(), request.getComplete().getConstraintsList());
                case FAILED -> Outcome.failed(request.getFailed().getReason());
                case PRUNED -> new Outcome(io.hypatia.api.study.TrialState.PRUNED, List.of(), request.getPruned().getReason());
                case OUTCOME_NOT_SET -> throw EngineException.invalid("outcome", "must set one of complete, failed or pruned");
            };
            TrialInfo told;
            try {
                told = engine.tell(request.getStudy(), trialId, outcome, request.getRequestId(), request.getAttempt(),
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
        unary(out, () -> {
            long trialId = requireTrialId(request.getTrialId());
            var verdict = engine.report(request.getStudy(), trialId, request.getStep(), request.getValue(),
                    request.getAttempt(), request.getCheckpoint());
            return ReportResponse.newBuilder().setDecision(ProtoMapping.toProto(verdict.decision()))
                    .setRung(verdict.rung()).setReason(verdict.reason()).build();
        });
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> out) {
        unary(out, () -> {
            int attempt = request.getAttempt();
            TrialInfo info = engine.heartbeat(request.getStudy(), requireTrialId(request.getTrialId()), attempt);
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
        unary(out, () -> GetTrialResponse.newBuilder()
                .setTrial(ProtoMapping.toProto(engine.getTrial(request.getStudy(), requireTrialId(request.getTrialId()))))
                .build());
    }

    @Override
    public void listTrials(ListTrialsRequest request, StreamObserver<ListTrialsResponse> out) {
        unary(out, () -> {
            Set<io.hypatia.api.study.TrialState> states = EnumSet.noneOf(io.hypatia.api.study.TrialState.class);
            for (int i = 0; i < request.getStatesCount(); i++) {
                states.add(ProtoMapping.toTrialState(request.getStates(i), "states[" + i + "]"));
            }
            ListTrialsResponse.Builder b = ListTrialsResponse.newBuilder();
            engine.listTrials(request.getStudy(), states).forEach(t -> b.addTrials(ProtoMapping.toProto(t)));
            return b.build();
        });
    }

    @Override
    public void getBestTrials(GetBestTrialsRequest request, StreamObserver<GetBestTrialsResponse> out) {
        unary(out, () -> {
            GetBestTrialsResponse.Builder b = GetBestTrialsResponse.newBuilder();
            engine.bestTrials(request.getStudy()).forEach(t -> b.addTrials(ProtoMapping.toProto(t)));
            return b.build();
        });
    }

    // ---------------------------------------------------------------- plugins

    @Override
    public void listPlugins(ListPluginsRequest request, StreamObserver<ListPluginsResponse> out) {
        unary(out, () -> {
            ListPluginsResponse.Builder b = ListPluginsResponse.newBuilder();
            engine.listPlugins().forEach(p -> b.addPlugins(ProtoMapping.toProto(p)));
            return b.build();
        });
    }

    @Override
    public void installPlugin(InstallPluginRequest request, StreamObserver<InstallPluginResponse> out) {
        unary(out, () -> {
            InstallPluginResponse.Builder b = InstallPluginResponse.newBuilder();
            engine.plugins().install(request.getFileName(), request.getJar().toByteArray())
                    .forEach(p -> b.addPlugins(ProtoMapping.toProto(p)));
            return b.build();
        });
    }

    @Override
    public void uninstallPlugin(UninstallPluginRequest request, StreamObserver<UninstallPluginResponse> out) {
        unary(out, () -> {
            engine.plugins().uninstall(request.getFileName());
            return UninstallPluginResponse.getDefaultInstance();
        });
    }

    @Override
    public void listPluginJars(ListPluginJarsRequest request, StreamObserver<ListPluginJarsResponse> out) {
        unary(out, () -> {
            ListPluginJarsResponse.Builder b = ListPluginJarsResponse.newBuilder();
            engine.plugins().jars().forEach(p -> b.addJars(ProtoMapping.toProto(p)));
            return b.build();
        });
    }

    // ---------------------------------------------------------------- helpers

    /** Runs one unary call; every failure becomes a proper status so clients never see UNKNOWN. */
    private static <T> void unary(StreamObserver<T> out, Supplier<T> call) {
        T response;
        try {
            response = call.get();
        } catch (Throwable t) {
            out.onError(toStatus(t).asRuntimeException());
            return;
        }
        out.onNext(response);
        out.onCompleted();
    }

    static Status toStatus(Throwable t) {
        if (t instanceof EngineException e) {
            Status status = switch (e.code()) {
                case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
                case NOT_FOUND -> Status.NOT_FOUND;
                case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
                case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
                case UNAVAILABLE -> Status.UNAVAILABLE;
            };
            return status.withDescription(e.getMessage());
        }
        if (t instanceof InvalidSpaceException e) {
            // Spaces are converted in ProtoMapping; a stray one still names its field.
            return Status.INVALID_ARGUMENT.withDescription(e.getMessage());
        }
        LOG.log(Level.WARNING, "internal error while handling a request", t);
        return Status.INTERNAL.withDescription("internal error: " + t).withCause(t);
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
