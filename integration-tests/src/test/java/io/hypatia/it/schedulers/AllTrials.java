package io.hypatia.it.schedulers;

import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.ListTrialsRequest;
import io.hypatia.grpc.v1.ListTrialsResponse;
import io.hypatia.grpc.v1.Trial;
import java.util.ArrayList;
import java.util.List;

/** Every trial of a study, following ListTrials' pages. */
final class AllTrials {
    private AllTrials() {
    }

    static List<Trial> of(HypatiaServiceGrpc.HypatiaServiceBlockingStub stub, String study) {
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
