package io.hypatia.it.protocol;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.AskedTrial;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.ReportRequest;
import java.util.concurrent.TimeUnit;

/**
 * A trainer in its own process that takes one trial, reports steps 1..5 (with a checkpoint at
 * steps 1..3 when asked to), says READY and then waits to be killed.
 * Arguments: port study checkpoints(true|false).
 */
public final class DyingWorker {
    private DyingWorker() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String study = args[1];
        boolean checkpoints = Boolean.parseBoolean(args[2]);
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        var stub = HypatiaServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        AskedTrial a = stub.ask(AskRequest.newBuilder().setStudy(study).setWorker("dying-" + ProcessHandle.current().pid()).build())
                .getTrials(0);
        for (int step = 1; step <= 5; step++) {
            stub.report(ReportRequest.newBuilder().setStudy(study).setTrialId(a.getTrial().getId()).setAttempt(a.getAttempt())
                    .setStep(step).setValue(1.0 / step)
                    .setCheckpoint(checkpoints && step <= 3 ? "ckpt://" + study + "/" + a.getTrial().getId() + "/" + step : "")
                    .build());
        }
        System.out.println("READY " + a.getTrial().getId() + " " + a.getAttempt());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
