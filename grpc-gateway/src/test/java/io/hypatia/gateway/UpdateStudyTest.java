package io.hypatia.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.hypatia.engine.security.Quotas;
import io.hypatia.engine.security.Role;
import io.hypatia.engine.security.TokenFile;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.Direction;
import io.hypatia.grpc.v1.Fidelity;
import io.hypatia.grpc.v1.FloatDomain;
import io.hypatia.grpc.v1.GetStudyRequest;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.Objective;
import io.hypatia.grpc.v1.Parameter;
import io.hypatia.grpc.v1.SearchSpace;
import io.hypatia.grpc.v1.Study;
import io.hypatia.grpc.v1.UpdateStudyRequest;
import io.hypatia.grpc.v1.UpdateStudyResponse;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** UpdateStudy over real gRPC on loopback, with tokens, on a real engine and store: every bad field and who may call it. */
class UpdateStudyTest {
    @TempDir
    Path dir;
    private TestGateway gateway;
    private String alice;
    private String bob;
    private String admin;

    @BeforeEach
    void start() throws Exception {
        Path tokens = dir.resolve("tokens.txt");
        alice = TokenFile.add(tokens, "alice", Role.USER, null);
        bob = TokenFile.add(tokens, "bob", Role.USER, null);
        admin = TokenFile.add(tokens, "ops", Role.ADMIN, null);
        gateway = TestGateway.serving(dir, TestGateway.settings(tokens, null, Limits.DEFAULT, Quotas.DEFAULT, Set.of()));
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
    }

    private HypatiaServiceGrpc.HypatiaServiceBlockingStub as(String token) {
        return gateway.as(token);
    }

    private static CreateStudyRequest study(String name, boolean fidelity) {
        CreateStudyRequest.Builder b = CreateStudyRequest.newBuilder().setName(name)
                .setSearchSpace(SearchSpace.newBuilder().addParams(Parameter.newBuilder().setName("x")
                        .setFloat(FloatDomain.newBuilder().setLow(0).setHigh(1))))
                .addObjectives(Objective.newBuilder().setName("loss").setDirection(Direction.MINIMIZE));
        if (fidelity) {
            b.setFidelity(Fidelity.newBuilder().setName("epoch").setMin(1).setMax(9));
        }
        return b.build();
    }

    private static UpdateStudyRequest raise(String study, double max) {
        return UpdateStudyRequest.newBuilder().setStudy(study).setMaxBudget(max).build();
    }

    private static String fails(Status.Code code, org.junit.jupiter.api.function.Executable call) {
        return TestGateway.fails(code, call).getStatus().getDescription();
    }

    @Test
    void everyBadFieldIsRefusedWithItsStatusAndNothingChanges() {
        as(alice).createStudy(study("mf", true));
        as(alice).createStudy(study("flat", false));
        var a = as(alice);

        String unset = fails(Status.Code.INVALID_ARGUMENT, () -> a.updateStudy(UpdateStudyRequest.newBuilder().setStudy("mf").build()));
        assertTrue(unset.startsWith("max_budget: must be set"), unset);
        String nan = fails(Status.Code.INVALID_ARGUMENT, () -> a.updateStudy(raise("mf", Double.NaN)));
        assertTrue(nan.startsWith("max_budget: must be a finite number"), nan);
        String inf = fails(Status.Code.INVALID_ARGUMENT, () -> a.updateStudy(raise("mf", Double.POSITIVE_INFINITY)));
        assertTrue(inf.startsWith("max_budget: must be a finite number"), inf);
        for (double notLarger : new double[] {9, 3, 0, -27}) {
            String d = fails(Status.Code.INVALID_ARGUMENT, () -> a.updateStudy(raise("mf", notLarger)));
            assertTrue(d.startsWith("max_budget: must be larger than the current max budget 9.0"), d);
        }
        String flat = fails(Status.Code.INVALID_ARGUMENT, () -> a.updateStudy(raise("flat", 27)));
        assertTrue(flat.startsWith("max_budget: study 'flat' has no fidelity"), flat);
        assertEquals("study: no study named 'nope'", fails(Status.Code.NOT_FOUND, () -> a.updateStudy(raise("nope", 27))));
        assertEquals("study: no study named 'nope'", fails(Status.Code.NOT_FOUND,
                () -> a.updateStudy(UpdateStudyRequest.newBuilder().setStudy("nope").build())));
        String empty = fails(Status.Code.INVALID_ARGUMENT, () -> a.updateStudy(raise("", 27)));
        assertTrue(empty.startsWith("study: "), empty);
        assertEquals(9, a.getStudy(GetStudyRequest.newBuilder().setStudy("mf").build()).getStudy().getFidelity().getMax());

        UpdateStudyResponse ok = a.updateStudy(raise("mf", 27));
        assertEquals("mf", ok.getStudy().getName(), "the caller's name for its study");
        assertEquals(27, ok.getStudy().getFidelity().getMax());
        assertEquals(1, ok.getStudy().getBudgetRaisesCount());
        assertEquals(9, ok.getStudy().getBudgetRaises(0).getPreviousMax());
        assertEquals(27, ok.getStudy().getBudgetRaises(0).getMax());
        assertEquals(0, ok.getContinuedCount(), "no scheduler, nothing continued");
        Study again = a.getStudy(GetStudyRequest.newBuilder().setStudy("mf").build()).getStudy();
        assertEquals(27, again.getFidelity().getMax());
        String twice = fails(Status.Code.INVALID_ARGUMENT, () -> a.updateStudy(raise("mf", 27)));
        assertTrue(twice.startsWith("max_budget: must be larger than the current max budget 27.0"), twice);
    }

    @Test
    void scopedToTheCallersTenantLikeTheOtherStudyCalls() {
        as(alice).createStudy(study("s", true));
        fails(Status.Code.UNAUTHENTICATED, () -> as(null).updateStudy(raise("s", 27)));
        // Bob has no study "s", and cannot reach Alice's by its stored name; nothing of hers is named.
        assertEquals("study: no study named 's'", fails(Status.Code.NOT_FOUND, () -> as(bob).updateStudy(raise("s", 27))));
        assertEquals("study: no study named 'alice.s'", fails(Status.Code.NOT_FOUND, () -> as(bob).updateStudy(raise("alice.s", 27))));
        assertEquals(27, as(alice).updateStudy(raise("s", 27)).getStudy().getFidelity().getMax());
        // An admin reaches any tenant's study by its stored name.
        UpdateStudyResponse byAdmin = as(admin).updateStudy(raise("alice.s", 81));
        assertEquals("alice.s", byAdmin.getStudy().getName());
        assertEquals(81, as(alice).getStudy(GetStudyRequest.newBuilder().setStudy("s").build()).getStudy().getFidelity().getMax());
        assertEquals(2, byAdmin.getStudy().getBudgetRaisesCount());
    }
}
