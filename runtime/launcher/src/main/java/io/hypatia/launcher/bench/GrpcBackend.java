package io.hypatia.launcher.bench;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.hypatia.api.scheduler.Decision;
import io.hypatia.engine.HandOut;
import io.hypatia.engine.PluginRef;
import io.hypatia.engine.StudySpec;
import io.hypatia.gateway.ProtoMapping;
import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.AskedTrial;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.DeleteStudyRequest;
import io.hypatia.grpc.v1.Direction;
import io.hypatia.grpc.v1.Fidelity;
import io.hypatia.grpc.v1.GetStudyRequest;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.Objective;
import io.hypatia.grpc.v1.PluginSelection;
import io.hypatia.grpc.v1.ReportRequest;
import io.hypatia.grpc.v1.TellRequest;
import io.hypatia.grpc.v1.Trial;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Drives studies through the service's gRPC API, as remote trainers do. */
public final class GrpcBackend implements StudyBackend {
    private final ManagedChannel channel;
    private final HypatiaServiceGrpc.HypatiaServiceBlockingStub stub;

    public GrpcBackend(String host, int port) {
        this.channel = ManagedChannelBuilder.forAddress(host, port).usePlaintext().build();
        this.stub = HypatiaServiceGrpc.newBlockingStub(channel);
    }

    @Override
    public Study create(StudySpec spec) {
        CreateStudyRequest.Builder r = CreateStudyRequest.newBuilder()
                .setName(spec.name())
                .setSearchSpace(ProtoMapping.toProto(spec.space()))
                .setSampler(selection(spec.sampler()))
                .setScheduler(selection(spec.scheduler()))
                .setLeaseSeconds(spec.leaseMillis() / 1000)
                .setSamplerTimeoutMs(spec.samplerTimeoutMillis())
                .setSchedulerTimeoutMs(spec.schedulerTimeoutMillis());
        for (io.hypatia.api.study.Objective o : spec.objectives()) {
            r.addObjectives(Objective.newBuilder().setName(o.name()).setDirection(
                    o.direction() == io.hypatia.api.study.Direction.MINIMIZE ? Direction.MINIMIZE : Direction.MAXIMIZE));
        }
        if (spec.fidelity() != null) {
            r.setFidelity(Fidelity.newBuilder().setName(spec.fidelity().name())
                    .setMin(spec.fidelity().min()).setMax(spec.fidelity().max()));
        }
        stub.createStudy(r.build());
        String name = spec.name();
        return new Study() {
            @Override
            public Asked ask(String worker) {
                AskedTrial a = stub.ask(AskRequest.newBuilder().setStudy(name).setCount(1).setWorker(worker).build())
                        .getTrials(0);
                Trial t = a.getTrial();
                return new Asked(t.getId(), t.getNumber(), ProtoMapping.toConfig(t.getConfigList()), a.getBudget(),
                        a.getResumed(), a.getResumeStep(), a.getAttempt(), HandOut.valueOf(a.getHandOut().name()),
                        a.getCheckpoint());
            }

            @Override
            public Decision report(long trialId, double step, double value, int attempt, String checkpoint) {
                return switch (stub.report(ReportRequest.newBuilder().setStudy(name).setTrialId(trialId)
                        .setStep(step).setValue(value).setAttempt(attempt).setCheckpoint(checkpoint).build()).getDecision()) {
                    case STOP -> Decision.STOP;
                    case PAUSE -> Decision.PAUSE;
                    default -> Decision.CONTINUE;
                };
            }

            @Override
            public void tell(long trialId, List<Double> values, int attempt) {
                stub.tell(TellRequest.newBuilder().setStudy(name).setTrialId(trialId).setAttempt(attempt)
                        .setComplete(TellRequest.Complete.newBuilder().addAllValues(values)).build());
            }

            @Override
            public void fail(long trialId, String reason) {
                stub.tell(TellRequest.newBuilder().setStudy(name).setTrialId(trialId)
                        .setFailed(TellRequest.Failed.newBuilder().setReason(reason)).build());
            }

            @Override
            public long pluginFallbacks() {
                return stub.getStudy(GetStudyRequest.newBuilder().setStudy(name).build()).getStudy().getPluginFallbacks();
            }

            @Override
            public void delete() {
                stub.deleteStudy(DeleteStudyRequest.newBuilder().setStudy(name).build());
            }
        };
    }

    private static PluginSelection selection(PluginRef ref) {
        return PluginSelection.newBuilder().setName(ref.name()).setVersionRange(ref.versionRange())
                .putAllConfig(ref.config()).build();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
