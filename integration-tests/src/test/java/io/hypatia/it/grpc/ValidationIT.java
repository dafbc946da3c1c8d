package io.hypatia.it.grpc;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.CategoricalDomain;
import io.hypatia.grpc.v1.Condition;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.Direction;
import io.hypatia.grpc.v1.EnqueueTrialRequest;
import io.hypatia.grpc.v1.FloatDomain;
import io.hypatia.grpc.v1.GetStudyRequest;
import io.hypatia.grpc.v1.GetTrialRequest;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.IntDomain;
import io.hypatia.grpc.v1.ListPluginsRequest;
import io.hypatia.grpc.v1.ListTrialsRequest;
import io.hypatia.grpc.v1.Objective;
import io.hypatia.grpc.v1.Parameter;
import io.hypatia.grpc.v1.ParameterValue;
import io.hypatia.grpc.v1.PluginSelection;
import io.hypatia.grpc.v1.ReportRequest;
import io.hypatia.grpc.v1.SearchSpace;
import io.hypatia.grpc.v1.TellRequest;
import io.hypatia.grpc.v1.Trial;
import io.hypatia.grpc.v1.TrialState;
import io.hypatia.grpc.v1.Value;
import io.hypatia.it.ServiceFixture;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.junit.function.ThrowingRunnable;

/**
 * Bad requests get the right status code and a description naming the offending field; no call
 * ever ends in UNKNOWN (every status the client sees is recorded by an interceptor).
 */
public class ValidationIT {
    private static final Queue<String> UNKNOWN_STATUSES = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger STUDY_COUNTER = new AtomicInteger();

    private static ServiceFixture fixture;

    @BeforeClass
    public static void startService() throws Exception {
        fixture = ServiceFixture.start();
        awaitRandomSampler();
    }

    @AfterClass
    public static void stopService() throws Exception {
        try {
            assertTrue("calls ended in UNKNOWN: " + UNKNOWN_STATUSES, UNKNOWN_STATUSES.isEmpty());
        } finally {
            if (fixture != null) {
                fixture.close();
            }
        }
    }

    // ---------------------------------------------------------------- search spaces

    @Test
    public void emptyParameterName() {
        expect(Status.Code.INVALID_ARGUMENT, "search_space.params[1].name",
                () -> create(space(floatParam("x", 0, 1), floatParam("", 0, 1))));
    }

    @Test
    public void lowAboveHigh() {
        expect(Status.Code.INVALID_ARGUMENT, "search_space.params[1].float.low",
                () -> create(space(floatParam("x", 0, 1), floatParam("y", 2, 1))));
        expect(Status.Code.INVALID_ARGUMENT, "search_space.params[0].int.low",
                () -> create(space(Parameter.newBuilder().setName("n").setInt(IntDomain.newBuilder().setLow(5).setHigh(1)).build())));
    }

    @Test
    public void logScaleNeedsPositiveLow() {
        String d = expect(Status.Code.INVALID_ARGUMENT, "search_space.params[0].float.low",
                () -> create(space(Parameter.newBuilder().setName("lr")
                        .setFloat(FloatDomain.newBuilder().setLow(0).setHigh(1).setLog(true)).build())));
        assertTrue(d, d.contains("log"));
        expect(Status.Code.INVALID_ARGUMENT, "search_space.params[0].int.low",
                () -> create(space(Parameter.newBuilder().setName("units")
                        .setInt(IntDomain.newBuilder().setLow(-1).setHigh(64).setLog(true)).build())));
    }

    @Test
    public void emptyCategoricalChoices() {
        expect(Status.Code.INVALID_ARGUMENT, "search_space.params[0].categorical.choices",
                () -> create(space(Parameter.newBuilder().setName("opt").setCategorical(CategoricalDomain.getDefaultInstance()).build())));
    }

    @Test
    public void choiceWithoutValue() {
        expect(Status.Code.INVALID_ARGUMENT, "search_space.params[0].categorical.choices[1]",
                () -> create(space(Parameter.newBuilder().setName("opt").setCategorical(CategoricalDomain.newBuilder()
                        .addChoices(string("adam")).addChoices(Value.getDefaultInstance())).build())));
    }

    @Test
    public void duplicateParameterNames() {
        String d = expect(Status.Code.INVALID_ARGUMENT, "search_space.params[1].name",
                () -> create(space(floatParam("x", 0, 1), floatParam("x", 0, 2))));
        assertTrue(d, d.contains("duplicate"));
    }

    @Test
    public void conditionOnMissingParent() {
        Parameter conditional = Parameter.newBuilder().setName("momentum").setFloat(FloatDomain.newBuilder().setLow(0).setHigh(1))
                .setCondition(Condition.newBuilder().setParent("optimizer").addValues(string("sgd"))).build();
        String d = expect(Status.Code.INVALID_ARGUMENT, "search_space.params[1].condition.parent",
                () -> create(space(floatParam("x", 0, 1), conditional)));
        assertTrue(d, d.contains("optimizer"));
    }

    @Test
    public void parameterWithoutDomain() {
        expect(Status.Code.INVALID_ARGUMENT, "search_space.params[0]",
                () -> create(space(Parameter.newBuilder().setName("x").build())));
    }

    @Test
    public void missingSearchSpace() {
        expect(Status.Code.INVALID_ARGUMENT, "search_space",
                () -> stub().createStudy(CreateStudyRequest.newBuilder().setName(newName())
                        .addObjectives(minimize("loss")).build()));
        expect(Status.Code.INVALID_ARGUMENT, "search_space.params",
                () -> create(SearchSpace.getDefaultInstance()));
    }

    // ---------------------------------------------------------------- objectives, plugins, names

    @Test
    public void missingObjectives() {
        expect(Status.Code.INVALID_ARGUMENT, "objectives",
                () -> stub().createStudy(CreateStudyRequest.newBuilder().setName(newName())
                        .setSearchSpace(space(floatParam("x", 0, 1))).build()));
    }

    @Test
    public void unspecifiedDirection() {
        String d = expect(Status.Code.INVALID_ARGUMENT, "objectives[0].direction",
                () -> stub().createStudy(CreateStudyRequest.newBuilder().setName(newName())
                        .setSearchSpace(space(floatParam("x", 0, 1)))
                        .addObjectives(Objective.newBuilder().setName("loss")).build()));
        assertTrue(d, d.contains("MINIMIZE or MAXIMIZE"));
    }

    @Test
    public void unknownSampler() {
        String d = expect(Status.Code.INVALID_ARGUMENT, "sampler.name",
                () -> stub().createStudy(request(newName(), space(floatParam("x", 0, 1)))
                        .setSampler(PluginSelection.newBuilder().setName("no-such-sampler")).build()));
        assertTrue(d, d.contains("no-such-sampler"));
    }

    @Test
    public void badStudyName() {
        expect(Status.Code.INVALID_ARGUMENT, "name",
                () -> stub().createStudy(request("has spaces/and slashes", space(floatParam("x", 0, 1))).build()));
    }

    @Test
    public void duplicateStudyName() {
        String name = newName();
        create(name, space(floatParam("x", 0, 1)));
        String d = expect(Status.Code.ALREADY_EXISTS, "name", () -> create(name, space(floatParam("x", 0, 1))));
        assertTrue(d, d.contains(name));
    }

    // ---------------------------------------------------------------- unknown or foreign things

    @Test
    public void unknownStudy() {
        expect(Status.Code.NOT_FOUND, "study", () -> stub().getStudy(GetStudyRequest.newBuilder().setStudy("no-such-study").build()));
        expect(Status.Code.NOT_FOUND, "study", () -> stub().ask(AskRequest.newBuilder().setStudy("no-such-study").build()));
        expect(Status.Code.INVALID_ARGUMENT, "study", () -> stub().ask(AskRequest.getDefaultInstance()));
    }

    @Test
    public void unknownTrial() {
        String study = createSimple();
        expect(Status.Code.NOT_FOUND, "trial_id",
                () -> stub().getTrial(GetTrialRequest.newBuilder().setStudy(study).setTrialId(987_654_321L).build()));
        expect(Status.Code.INVALID_ARGUMENT, "trial_id",
                () -> stub().getTrial(GetTrialRequest.newBuilder().setStudy(study).build()));
    }

    @Test
    public void trialOfAnotherStudy() {
        String owner = createSimple();
        String other = createSimple();
        long id = askOne(owner).getId();
        String d = expect(Status.Code.NOT_FOUND, "trial_id",
                () -> stub().getTrial(GetTrialRequest.newBuilder().setStudy(other).setTrialId(id).build()));
        // The owning study is not named: it may belong to another tenant (issue 11 finding 10).
        assertEquals("trial_id: no trial " + id + " in study '" + other + "'", d);
        d = expect(Status.Code.NOT_FOUND, "trial_id", () -> stub().tell(complete(other, id, 1.0).build()));
        assertFalse(d, d.contains("'" + owner + "'"));
    }

    // ---------------------------------------------------------------- tell

    @Test
    public void tellTwiceWithDifferentRequestIds() {
        String study = createSimple();
        long id = askOne(study).getId();
        stub().tell(complete(study, id, 1.0).setRequestId("first").build());
        expect(Status.Code.FAILED_PRECONDITION, "trial_id",
                () -> stub().tell(complete(study, id, 2.0).setRequestId("second").build()));
        expect(Status.Code.FAILED_PRECONDITION, "trial_id",
                () -> stub().tell(complete(study, id, 2.0).build()));
    }

    @Test
    public void tellTwiceWithTheSameRequestIdIsIdempotent() {
        String study = createSimple();
        long id = askOne(study).getId();
        Trial first = stub().tell(complete(study, id, 1.5).setRequestId("once").build()).getTrial();
        Trial again = stub().tell(complete(study, id, 1.5).setRequestId("once").build()).getTrial();
        assertEquals(first, again);
        assertEquals(TrialState.COMPLETE, again.getState());
        assertEquals(List.of(1.5), again.getValuesList());
    }

    @Test
    public void nonFiniteValuesAreRejected() {
        String study = createSimple();
        long id = askOne(study).getId();
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            expect(Status.Code.INVALID_ARGUMENT, "complete.values[0]", () -> stub().tell(complete(study, id, bad).build()));
        }
        // Nothing was recorded: the trial can still be told properly.
        assertEquals(TrialState.COMPLETE, stub().tell(complete(study, id, 0.5).build()).getTrial().getState());
    }

    @Test
    public void nonFiniteConstraintsAreRejectedAndInfeasibleTrialsAreNeverBest() {
        String study = createSimple();
        long id = askOne(study).getId();
        expect(Status.Code.INVALID_ARGUMENT, "complete.constraints[0]", () -> stub().tell(complete(study, id, 0.1)
                .setComplete(TellRequest.Complete.newBuilder().addValues(0.1).addConstraints(Double.NaN)).build()));
        Trial infeasible = stub().tell(TellRequest.newBuilder().setStudy(study).setTrialId(id)
                .setComplete(TellRequest.Complete.newBuilder().addValues(0.1).addConstraints(0.3)).build()).getTrial();
        assertEquals(List.of(0.3), infeasible.getConstraintsList());
        long other = askOne(study).getId();
        stub().tell(TellRequest.newBuilder().setStudy(study).setTrialId(other)
                .setComplete(TellRequest.Complete.newBuilder().addValues(0.9).addConstraints(-0.3)).build());
        assertEquals(List.of(other), stub().getBestTrials(io.hypatia.grpc.v1.GetBestTrialsRequest.newBuilder().setStudy(study).build())
                .getTrialsList().stream().map(Trial::getId).toList());
    }

    @Test
    public void wrongNumberOfValues() {
        String study = createSimple();
        long id = askOne(study).getId();
        String d = expect(Status.Code.INVALID_ARGUMENT, "complete.values",
                () -> stub().tell(complete(study, id, 1.0, 2.0).build()));
        assertTrue(d, d.contains("expected 1"));
        expect(Status.Code.INVALID_ARGUMENT, "complete.values",
                () -> stub().tell(TellRequest.newBuilder().setStudy(study).setTrialId(id)
                        .setComplete(TellRequest.Complete.getDefaultInstance()).build()));
    }

    @Test
    public void tellWithoutOutcome() {
        String study = createSimple();
        long id = askOne(study).getId();
        expect(Status.Code.INVALID_ARGUMENT, "outcome",
                () -> stub().tell(TellRequest.newBuilder().setStudy(study).setTrialId(id).build()));
    }

    // ---------------------------------------------------------------- report, ask, enqueue, list

    @Test
    public void nanInReport() {
        String study = createSimple();
        long id = askOne(study).getId();
        expect(Status.Code.INVALID_ARGUMENT, "value",
                () -> stub().report(ReportRequest.newBuilder().setStudy(study).setTrialId(id).setStep(1).setValue(Double.NaN).build()));
        expect(Status.Code.INVALID_ARGUMENT, "step",
                () -> stub().report(ReportRequest.newBuilder().setStudy(study).setTrialId(id).setStep(Double.NaN).setValue(1).build()));
    }

    @Test
    public void reportOnFinishedTrial() {
        String study = createSimple();
        long id = askOne(study).getId();
        stub().tell(complete(study, id, 1.0).build());
        String d = expect(Status.Code.FAILED_PRECONDITION, "trial_id",
                () -> stub().report(ReportRequest.newBuilder().setStudy(study).setTrialId(id).setStep(1).setValue(1).build()));
        assertTrue(d, d.contains("COMPLETE"));
    }

    @Test
    public void askCountOutOfRange() {
        String study = createSimple();
        expect(Status.Code.INVALID_ARGUMENT, "count", () -> stub().ask(AskRequest.newBuilder().setStudy(study).setCount(-1).build()));
        expect(Status.Code.INVALID_ARGUMENT, "count", () -> stub().ask(AskRequest.newBuilder().setStudy(study).setCount(1001).build()));
    }

    @Test
    public void enqueueOutsideTheDomain() {
        String study = createSimple();
        String d = expect(Status.Code.INVALID_ARGUMENT, "config.x",
                () -> stub().enqueueTrial(EnqueueTrialRequest.newBuilder().setStudy(study)
                        .addConfig(ParameterValue.newBuilder().setName("x").setValue(Value.newBuilder().setFloatValue(7.5)))
                        .build()));
        assertTrue(d, d.contains("outside the domain"));
        expect(Status.Code.INVALID_ARGUMENT, "config.nope",
                () -> stub().enqueueTrial(EnqueueTrialRequest.newBuilder().setStudy(study)
                        .addConfig(ParameterValue.newBuilder().setName("x").setValue(Value.newBuilder().setFloatValue(0.5)))
                        .addConfig(ParameterValue.newBuilder().setName("nope").setValue(Value.newBuilder().setIntValue(1)))
                        .build()));
    }

    @Test
    public void listTrialsWithUnspecifiedState() {
        String study = createSimple();
        expect(Status.Code.INVALID_ARGUMENT, "states[1]",
                () -> stub().listTrials(ListTrialsRequest.newBuilder().setStudy(study)
                        .addStates(TrialState.RUNNING).addStates(TrialState.TRIAL_STATE_UNSPECIFIED).build()));
    }

    // ---------------------------------------------------------------- helpers

    /** Runs a call that must fail with {@code code}; returns the description, which must start with {@code field}. */
    private static String expect(Status.Code code, String field, ThrowingRunnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        String description = e.getStatus().getDescription();
        assertEquals("status of a call expected to fail on " + field + " (" + description + ")", code, e.getStatus().getCode());
        assertNotNull(description);
        assertTrue("'" + description + "' should start with the field " + field, description.startsWith(field + ": "));
        return description;
    }

    /** Stub whose calls are all checked for UNKNOWN; made per call since the fixture's deadline runs from creation. */
    private static HypatiaServiceGrpc.HypatiaServiceBlockingStub stub() {
        return fixture.stub().withInterceptors(new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                            @Override
                            public void onClose(Status status, Metadata trailers) {
                                if (status.getCode() == Status.Code.UNKNOWN) {
                                    UNKNOWN_STATUSES.add(method.getFullMethodName() + ": " + status);
                                }
                                super.onClose(status, trailers);
                            }
                        }, headers);
                    }
                };
            }
        });
    }

    private static void awaitRandomSampler() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline && stub().listPlugins(ListPluginsRequest.getDefaultInstance())
                .getPluginsList().stream().noneMatch(p -> p.getKind().equals("sampler") && p.getName().equals("random"))) {
            Thread.sleep(100);
        }
    }

    private static String newName() {
        return "validation-" + STUDY_COUNTER.incrementAndGet();
    }

    /** A study over x in [0, 1] minimising one objective; returns its name. */
    private static String createSimple() {
        String name = newName();
        create(name, space(floatParam("x", 0, 1)));
        return name;
    }

    private static void create(SearchSpace space) {
        create(newName(), space);
    }

    private static void create(String name, SearchSpace space) {
        stub().createStudy(request(name, space).build());
    }

    private static CreateStudyRequest.Builder request(String name, SearchSpace space) {
        return CreateStudyRequest.newBuilder().setName(name).setSearchSpace(space).addObjectives(minimize("loss"));
    }

    private static Objective minimize(String name) {
        return Objective.newBuilder().setName(name).setDirection(Direction.MINIMIZE).build();
    }

    private static SearchSpace space(Parameter... params) {
        return SearchSpace.newBuilder().addAllParams(List.of(params)).build();
    }

    private static Parameter floatParam(String name, double low, double high) {
        return Parameter.newBuilder().setName(name).setFloat(FloatDomain.newBuilder().setLow(low).setHigh(high)).build();
    }

    private static Value string(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    private static Trial askOne(String study) {
        return stub().ask(AskRequest.newBuilder().setStudy(study).setWorker("validation").build()).getTrials(0).getTrial();
    }

    private static TellRequest.Builder complete(String study, long trialId, double... values) {
        TellRequest.Complete.Builder c = TellRequest.Complete.newBuilder();
        for (double v : values) {
            c.addValues(v);
        }
        return TellRequest.newBuilder().setStudy(study).setTrialId(trialId).setComplete(c);
    }
}
