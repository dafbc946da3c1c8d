package io.hypatia.gateway;

import io.hypatia.engine.TestPlugins;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.Direction;
import io.hypatia.grpc.v1.FloatDomain;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.IntDomain;
import io.hypatia.grpc.v1.MissingPluginPolicy;
import io.hypatia.grpc.v1.Objective;
import io.hypatia.grpc.v1.OrdinalDomain;
import io.hypatia.grpc.v1.Parameter;
import io.hypatia.grpc.v1.SearchSpace;
import io.hypatia.grpc.v1.Study;
import io.hypatia.grpc.v1.TellRequest;
import io.hypatia.grpc.v1.Trial;
import io.hypatia.grpc.v1.Value;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway over loopback on a real engine and store, with an in-code random sampler. */
class GatewayServerTest {
    @TempDir
    Path dir;

    private TestGateway gateway;
    private TestPlugins plugins;

    @BeforeEach
    void start() throws Exception {
        plugins = new TestPlugins();
        gateway = new TestGateway(dir, plugins).serve("127.0.0.1", GatewayServer.Settings.LOOPBACK);
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
    }

    private HypatiaServiceGrpc.HypatiaServiceBlockingStub stub() {
        return gateway.as(null);
    }

    @Test
    void studyRoundTripsAndDefaultsApply() {
        SearchSpace space = SearchSpace.newBuilder()
                .addParams(Parameter.newBuilder().setName("lr").setFloat(FloatDomain.newBuilder().setLow(1e-4).setHigh(1).setLog(true)))
                .addParams(Parameter.newBuilder().setName("layers").setInt(IntDomain.newBuilder().setLow(1).setHigh(5)))
                .addParams(Parameter.newBuilder().setName("batch").setOrdinal(OrdinalDomain.newBuilder()
                        .addChoices(Value.newBuilder().setIntValue(32)).addChoices(Value.newBuilder().setIntValue(64))))
                .build();
        Study study = stub().createStudy(CreateStudyRequest.newBuilder().setName("s1").setSearchSpace(space)
                .addObjectives(Objective.newBuilder().setName("loss").setDirection(Direction.MINIMIZE)).build()).getStudy();
        assertEquals("random", study.getSampler().getName());
        assertEquals("none", study.getScheduler().getName());
        assertEquals(300, study.getLeaseSeconds());
        assertEquals(3, study.getMaxAttempts());
        // step 0 was read as 1 and comes back explicit
        assertEquals(space.toBuilder().setParams(1, space.getParams(1).toBuilder()
                .setInt(IntDomain.newBuilder().setLow(1).setHigh(5).setStep(1))).build(), study.getSearchSpace());

        Trial t = stub().ask(AskRequest.newBuilder().setStudy("s1").build()).getTrials(0).getTrial();
        assertEquals(List.of("lr", "layers", "batch"), t.getConfigList().stream().map(p -> p.getName()).toList());
        assertEquals(Value.KindCase.INT_VALUE, t.getConfig(1).getValue().getKindCase());
        Trial told = stub().tell(TellRequest.newBuilder().setStudy("s1").setTrialId(t.getId())
                .setComplete(TellRequest.Complete.newBuilder().addValues(0.5)).build()).getTrial();
        assertEquals(io.hypatia.grpc.v1.TrialState.COMPLETE, told.getState());

        // ListPlugins says how each plugin has behaved: here one successful suggest call.
        io.hypatia.grpc.v1.PluginInfo random = stub().listPlugins(io.hypatia.grpc.v1.ListPluginsRequest.getDefaultInstance())
                .getPluginsList().stream().filter(p -> p.getName().equals("random")).findFirst().orElseThrow();
        assertEquals(1, random.getCalls());
        assertEquals(0, random.getFailures() + random.getTimeouts() + random.getRejected());
        assertEquals(false, random.getQuarantined());
    }

    /** Found by the 100,000-case fuzz: without authentication an over-long name answered INTERNAL (no tenant to name). */
    @Test
    void anOverLongStudyNameIsInvalidWithoutAuthentication() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub().createStudy(
                CreateStudyRequest.newBuilder().setName("n".repeat(129))
                        .setSearchSpace(SearchSpace.newBuilder()
                                .addParams(Parameter.newBuilder().setName("a").setFloat(FloatDomain.newBuilder().setHigh(1))))
                        .addObjectives(Objective.newBuilder().setName("loss").setDirection(Direction.MINIMIZE)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("name: must be at most 128 characters, got 129", e.getStatus().getDescription());
    }

    @Test
    void spaceErrorsNameTheProtoField() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub().createStudy(
                CreateStudyRequest.newBuilder().setName("bad")
                        .setSearchSpace(SearchSpace.newBuilder()
                                .addParams(Parameter.newBuilder().setName("a").setFloat(FloatDomain.newBuilder().setHigh(1)))
                                .addParams(Parameter.newBuilder().setName("b").setInt(IntDomain.newBuilder().setLow(0).setHigh(10).setStep(3))))
                        .addObjectives(Objective.newBuilder().setName("loss").setDirection(Direction.MINIMIZE)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("search_space.params[1].int.step: "), e.getStatus().getDescription());
    }

    @Test
    void unsetOutcomeAndBadTrialIdAreInvalid() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> stub().tell(TellRequest.newBuilder().setStudy("x").setTrialId(1).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("outcome: "));
        e = assertThrows(StatusRuntimeException.class, () -> stub().tell(TellRequest.newBuilder().setStudy("x")
                .setFailed(TellRequest.Failed.newBuilder().setReason("oom")).build()));
        assertTrue(e.getStatus().getDescription().startsWith("trial_id: "));
    }

    @Test
    void missingPluginPolicyIsCheckedKeptAndAppliedOnAsk() {
        CreateStudyRequest.Builder request = CreateStudyRequest.newBuilder().setName("strict")
                .setSearchSpace(SearchSpace.newBuilder().addParams(Parameter.newBuilder().setName("x")
                        .setFloat(FloatDomain.newBuilder().setLow(0).setHigh(1))))
                .addObjectives(Objective.newBuilder().setName("loss").setDirection(Direction.MINIMIZE));
        StatusRuntimeException bad = assertThrows(StatusRuntimeException.class,
                () -> stub().createStudy(request.clone().setOnMissingPluginValue(7).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
        assertTrue(bad.getStatus().getDescription().startsWith("on_missing_plugin: unknown policy 7"), bad.getStatus().getDescription());

        Study strict = stub().createStudy(request.clone().setOnMissingPlugin(MissingPluginPolicy.MISSING_PLUGIN_FAIL).build()).getStudy();
        assertEquals(MissingPluginPolicy.MISSING_PLUGIN_FAIL, strict.getOnMissingPlugin());
        Study lenient = stub().createStudy(request.clone().setName("lenient").build()).getStudy();
        assertEquals(MissingPluginPolicy.MISSING_PLUGIN_FALLBACK, lenient.getOnMissingPlugin(), "unset means fallback");

        plugins.samplers.remove("random"); // as if the random bundle were removed
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                () -> stub().ask(AskRequest.newBuilder().setStudy("strict").build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
        assertTrue(refused.getStatus().getDescription().startsWith("sampler: sampler 'random' is not loaded"),
                refused.getStatus().getDescription());
        Trial fallback = stub().ask(AskRequest.newBuilder().setStudy("lenient").build()).getTrials(0).getTrial();
        assertEquals("fallback-random", fallback.getAttributesOrThrow("sampler"));
    }

    @Test
    void unexpectedExceptionsBecomeInternal() {
        assertEquals(Status.Code.INTERNAL, HypatiaGrpcService.toStatus(new IllegalStateException("boom")).getCode());
        assertEquals(Status.Code.INTERNAL, HypatiaGrpcService.toStatus(new NoClassDefFoundError("gone")).getCode());
    }
}
