package io.hypatia.it.schedulers;

import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.ListPluginsRequest;
import io.hypatia.grpc.v1.ListTrialsRequest;
import io.hypatia.grpc.v1.ListTrialsResponse;
import io.hypatia.grpc.v1.Trial;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Small helpers of the scheduler ITs. */
public final class StudyHelpers {
    private StudyHelpers() {
    }

    /**
     * Waits until a scheduler is loaded ({@code stubs} gives a fresh stub, with a fresh deadline, per call): bundles start asynchronously after the service (one
     * whose imports another bundle exports resolves once that one is installed).
     */
    public static void awaitScheduler(Supplier<HypatiaServiceGrpc.HypatiaServiceBlockingStub> stubs, String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (stubs.get().listPlugins(ListPluginsRequest.getDefaultInstance()).getPluginsList().stream()
                .noneMatch(p -> p.getKind().equals("scheduler") && p.getName().equals(name))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("scheduler '" + name + "' was not loaded within 120 s");
            }
            Thread.sleep(100);
        }
    }

    /** Every trial of a study, following ListTrials' pages. */
    public static List<Trial> allTrials(HypatiaServiceGrpc.HypatiaServiceBlockingStub stub, String study) {
        List<Trial> trials = new ArrayList<>();
        String token = "";
        do {
            ListTrialsResponse page = stub.listTrials(ListTrialsRequest.newBuilder().setStudy(study).setPageToken(token).build());
            trials.addAll(page.getTrialsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return trials;
    }
}
