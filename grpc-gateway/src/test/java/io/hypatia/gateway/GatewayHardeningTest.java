package io.hypatia.gateway;

import io.hypatia.engine.TestPlugins;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.hypatia.engine.security.Quotas;
import io.hypatia.engine.security.Role;
import io.hypatia.engine.security.TokenFile;
import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.CategoricalDomain;
import io.hypatia.grpc.v1.Condition;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.CreateStudyResponse;
import io.hypatia.grpc.v1.Direction;
import io.hypatia.grpc.v1.FloatDomain;
import io.hypatia.grpc.v1.GetStudyRequest;
import io.hypatia.grpc.v1.GetTrialRequest;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.ListPluginsRequest;
import io.hypatia.grpc.v1.ListStudiesRequest;
import io.hypatia.grpc.v1.ListTrialsRequest;
import io.hypatia.grpc.v1.ListTrialsResponse;
import io.hypatia.grpc.v1.Objective;
import io.hypatia.grpc.v1.Parameter;
import io.hypatia.grpc.v1.SearchSpace;
import io.hypatia.grpc.v1.Study;
import io.hypatia.grpc.v1.Trial;
import io.hypatia.grpc.v1.Value;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11 findings on the gateway, over real gRPC on loopback with a real engine and store. */
class GatewayHardeningTest {
    private static final String SERVICE = HypatiaServiceGrpc.SERVICE_NAME;

    @TempDir
    Path dir;

    private TestGateway gateway;

    private int start(GatewayServer.Settings settings) throws Exception {
        gateway = TestGateway.serving(dir, settings);
        return gateway.port();
    }

    private static GatewayServer.Settings settings(Path tokens, GatewayServer.Tls tls, Limits limits, Quotas quotas, Set<String> adminOnly) {
        return TestGateway.settings(tokens, tls, limits, quotas, adminOnly);
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    private ManagedChannel plaintext() {
        return gateway.plaintext();
    }

    private static HypatiaServiceGrpc.HypatiaServiceBlockingStub stub(ManagedChannel c, String token) {
        return TestGateway.stub(c, token);
    }

    private static CreateStudyRequest study(String name, int floats) {
        SearchSpace.Builder space = SearchSpace.newBuilder();
        for (int i = 0; i < floats; i++) {
            space.addParams(Parameter.newBuilder().setName("x" + i).setFloat(FloatDomain.newBuilder().setLow(0).setHigh(1)));
        }
        return CreateStudyRequest.newBuilder().setName(name).setSearchSpace(space)
                .addObjectives(Objective.newBuilder().setName("y").setDirection(Direction.MINIMIZE)).build();
    }

    private static StatusRuntimeException fails(Status.Code code, org.junit.jupiter.api.function.Executable call) {
        return TestGateway.fails(code, call);
    }

    // ---------------------------------------------------------------- finding 6: malformed protobuf

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    };

    static byte[] rawCall(ManagedChannel channel, String method, byte[] body) {
        MethodDescriptor<byte[], byte[]> md = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, method))
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
        return ClientCalls.blockingUnaryCall(channel, md, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), body);
    }

    @Test
    void malformedProtobufIsInvalidArgumentAndTheConnectionStaysUsable() throws Exception {
        start(GatewayServer.Settings.LOOPBACK);
        ManagedChannel c = plaintext();
        // Field 1 (study, length-delimited) claims 100 bytes but 2 follow: truncated message.
        byte[] truncated = {0x0a, 0x64, 'a', 'b'};
        StatusRuntimeException e = fails(Status.Code.INVALID_ARGUMENT, () -> rawCall(c, "GetStudy", truncated));
        assertTrue(e.getStatus().getDescription().contains("GetStudyRequest"), e.getStatus().getDescription());
        // An invalid wire type (7) in the first tag.
        fails(Status.Code.INVALID_ARGUMENT, () -> rawCall(c, "Ask", new byte[] {0x0f, 0x01}));
        // The same channel still serves well-formed calls.
        assertEquals(0, stub(c, null).listPlugins(ListPluginsRequest.getDefaultInstance()).getPluginsCount() == 0 ? 0 : 0);
        stub(c, null).createStudy(study("ok", 1));
    }

    // ---------------------------------------------------------------- finding 7: echoed input

    /** Finding 3: a call the client cancelled, or whose deadline passed, while it waited for a handler thread is not run. */
    @Test
    void aCallCancelledOrPastItsDeadlineBeforeItStartsIsNotRun() throws Exception {
        start(GatewayServer.Settings.LOOPBACK);
        HypatiaGrpcService service = new HypatiaGrpcService(gateway.engine, Limits.DEFAULT, Quotas.DEFAULT);
        Context.CancellableContext cancelled = Context.current().withCancellation();
        cancelled.cancel(null);
        Answer<CreateStudyResponse> byClient = new Answer<>();
        cancelled.run(() -> service.createStudy(study("cancelled", 1), byClient));
        assertEquals(Status.Code.CANCELLED, byClient.error.getCode());

        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            Context.CancellableContext expired = Context.current().withDeadline(Deadline.after(-1, TimeUnit.SECONDS), timer);
            Answer<CreateStudyResponse> late = new Answer<>();
            expired.run(() -> service.createStudy(study("expired", 1), late));
            assertEquals(Status.Code.DEADLINE_EXCEEDED, late.error.getCode());
        } finally {
            timer.shutdownNow();
        }
        assertTrue(gateway.engine.listStudies().isEmpty(), "neither call created its study");

        Answer<CreateStudyResponse> live = new Answer<>();
        service.createStudy(study("live", 1), live);
        assertEquals("live", live.value.getStudy().getName());
    }

    /** The one answer of a unary call made on the service object directly. */
    private static final class Answer<T> implements io.grpc.stub.StreamObserver<T> {
        T value;
        Status error;

        @Override
        public void onNext(T v) {
            value = v;
        }

        @Override
        public void onError(Throwable t) {
            error = Status.fromThrowable(t);
        }

        @Override
        public void onCompleted() {
        }
    }

    @Test
    void anUnknownStudyNameOfThousandsOfCharactersAnswersNotFoundWithAShortMessage() throws Exception {
        start(settings(null, null, Limits.parse("max_name_chars=20000"), Quotas.DEFAULT, Set.of()));
        ManagedChannel c = plaintext();
        String name = "n".repeat(8000);
        StatusRuntimeException e = fails(Status.Code.NOT_FOUND, () -> stub(c, null).getStudy(GetStudyRequest.newBuilder().setStudy(name).build()));
        assertTrue(e.getStatus().getDescription().length() < 300, e.getStatus().getDescription());
        assertTrue(e.getStatus().getDescription().contains("(8000 characters)"), e.getStatus().getDescription());
        // The connection was not broken by an oversized header: the next call works.
        stub(c, null).createStudy(study("after", 1));
    }

    // ---------------------------------------------------------------- finding 2: bounds

    @Test
    void everyStringListAndCountIsBoundedNamingTheFieldAndTheLimit() throws Exception {
        start(GatewayServer.Settings.LOOPBACK);
        var s = stub(plaintext(), null);
        s.createStudy(study("s", 3));
        StatusRuntimeException worker = fails(Status.Code.INVALID_ARGUMENT,
                () -> s.ask(AskRequest.newBuilder().setStudy("s").setCount(1).setWorker("w".repeat(1 << 20)).build()));
        assertTrue(worker.getStatus().getDescription().startsWith("worker: is 1048576 characters long; at most 256"), worker.getStatus().getDescription());
        assertTrue(worker.getStatus().getDescription().contains("max_name_chars"));
        StatusRuntimeException count = fails(Status.Code.INVALID_ARGUMENT, () -> s.ask(AskRequest.newBuilder().setStudy("s").setCount(101).build()));
        assertTrue(count.getStatus().getDescription().startsWith("count: must be between 1 and 100 (limit max_ask_count)"));

        CategoricalDomain.Builder many = CategoricalDomain.newBuilder();
        for (int i = 0; i < 10_001; i++) {
            many.addChoices(Value.newBuilder().setIntValue(i));
        }
        CreateStudyRequest choices = study("c", 0).toBuilder().setSearchSpace(SearchSpace.newBuilder()
                .addParams(Parameter.newBuilder().setName("k").setCategorical(many))).build();
        StatusRuntimeException list = fails(Status.Code.INVALID_ARGUMENT, () -> s.createStudy(choices));
        assertTrue(list.getStatus().getDescription().startsWith("search_space.params[0].categorical.choices: has 10001 entries; at most 10000"),
                list.getStatus().getDescription());
        StatusRuntimeException params = fails(Status.Code.INVALID_ARGUMENT, () -> s.createStudy(study("p", 1001)));
        assertTrue(params.getStatus().getDescription().contains("max_params"), params.getStatus().getDescription());

        SearchSpace.Builder chain = SearchSpace.newBuilder().addParams(Parameter.newBuilder().setName("p0")
                .setCategorical(CategoricalDomain.newBuilder().addChoices(Value.newBuilder().setStringValue("on"))));
        for (int i = 1; i <= 20; i++) {
            chain.addParams(Parameter.newBuilder().setName("p" + i)
                    .setCategorical(CategoricalDomain.newBuilder().addChoices(Value.newBuilder().setStringValue("on")))
                    .setCondition(Condition.newBuilder().setParent("p" + (i - 1)).addValues(Value.newBuilder().setStringValue("on"))));
        }
        StatusRuntimeException depth = fails(Status.Code.INVALID_ARGUMENT,
                () -> s.createStudy(study("d", 0).toBuilder().setSearchSpace(chain).build()));
        assertTrue(depth.getStatus().getDescription().contains("max_condition_depth"), depth.getStatus().getDescription());
    }

    @Test
    void anAskWhoseAnswerWouldBeTooLargeIsRefusedBeforeLeasingAnything() throws Exception {
        start(settings(null, null, Limits.parse("max_response_bytes=200000"), Quotas.DEFAULT, Set.of()));
        var s = stub(plaintext(), null);
        s.createStudy(study("wide", 1000));
        StatusRuntimeException e = fails(Status.Code.RESOURCE_EXHAUSTED, () -> s.ask(AskRequest.newBuilder().setStudy("wide").setCount(50).build()));
        assertTrue(e.getStatus().getDescription().startsWith("count: 50 trials"), e.getStatus().getDescription());
        assertTrue(e.getStatus().getDescription().contains("max_response_bytes"));
        assertEquals(0, s.listTrials(ListTrialsRequest.newBuilder().setStudy("wide").build()).getTrialsCount());
        assertEquals(1, s.ask(AskRequest.newBuilder().setStudy("wide").setCount(1).build()).getTrialsCount());
    }

    @Test
    void listTrialsAndListStudiesArePaginated() throws Exception {
        start(GatewayServer.Settings.LOOPBACK);
        var s = stub(plaintext(), null);
        for (int i = 0; i < 5; i++) {
            s.createStudy(study("s" + i, 1));
        }
        s.ask(AskRequest.newBuilder().setStudy("s0").setCount(25).build());
        List<Long> seen = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ListTrialsResponse page = s.listTrials(ListTrialsRequest.newBuilder().setStudy("s0").setPageSize(10).setPageToken(token).build());
            page.getTrialsList().forEach(t -> seen.add(t.getId()));
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty());
        assertEquals(3, pages);
        assertEquals(25, seen.size());
        assertEquals(25, new HashSet<>(seen).size());
        List<String> names = new ArrayList<>();
        var first = s.listStudies(ListStudiesRequest.newBuilder().setPageSize(3).build());
        first.getStudiesList().forEach(st -> names.add(st.getName()));
        s.listStudies(ListStudiesRequest.newBuilder().setPageSize(3).setPageToken(first.getNextPageToken()).build())
                .getStudiesList().forEach(st -> names.add(st.getName()));
        assertEquals(List.of("s0", "s1", "s2", "s3", "s4"), names);
        StatusRuntimeException bad = fails(Status.Code.INVALID_ARGUMENT,
                () -> s.listTrials(ListTrialsRequest.newBuilder().setStudy("s0").setPageToken("garbage!").build()));
        assertTrue(bad.getStatus().getDescription().startsWith("page_token:"));
        fails(Status.Code.INVALID_ARGUMENT, () -> s.listTrials(ListTrialsRequest.newBuilder().setStudy("s0").setPageSize(10_001).build()));
    }

    // ---------------------------------------------------------------- finding 9 and the bind rule

    @Test
    void aBusyPortIsOneClearStartupError() throws Exception {
        gateway = new TestGateway(dir, new TestPlugins());
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            StartupException e = assertThrows(StartupException.class,
                    () -> GatewayServer.start(gateway.engine, "127.0.0.1", busy.getLocalPort(), GatewayServer.Settings.LOOPBACK));
            assertTrue(e.getMessage().contains("already in use"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    @Test
    void aNonLoopbackAddressNeedsAuthenticationOrInsecure() throws Exception {
        gateway = new TestGateway(dir, new TestPlugins());
        StartupException e = assertThrows(StartupException.class,
                () -> GatewayServer.start(gateway.engine, "0.0.0.0", 0, GatewayServer.Settings.LOOPBACK));
        assertTrue(e.getMessage().startsWith("refusing to serve on 0.0.0.0"), e.getMessage());
        gateway.serve("0.0.0.0", new GatewayServer.Settings(null, null, true, Limits.DEFAULT, Quotas.DEFAULT, Set.of()));
        assertTrue(gateway.port() > 0);
    }

    // ---------------------------------------------------------------- authentication, tenants, quotas

    @Test
    void tokensTenantsAndAdminOnlyCalls() throws Exception {
        Path tokens = dir.resolve("tokens.txt");
        String alice = TokenFile.add(tokens, "alice", Role.USER, "test");
        String bob = TokenFile.add(tokens, "bob", Role.USER, null);
        String root = TokenFile.add(tokens, "ops", Role.ADMIN, null);
        assertFalse(java.nio.file.Files.readString(tokens).contains(alice), "the token itself is not stored");
        start(settings(tokens, null, Limits.DEFAULT, Quotas.DEFAULT, Set.of(SERVICE + "/ListPlugins")));
        ManagedChannel c = plaintext();

        StatusRuntimeException none = fails(Status.Code.UNAUTHENTICATED, () -> stub(c, null).listStudies(ListStudiesRequest.getDefaultInstance()));
        assertTrue(none.getStatus().getDescription().contains("Bearer"));
        fails(Status.Code.UNAUTHENTICATED, () -> stub(c, "hyp_wrong").listStudies(ListStudiesRequest.getDefaultInstance()));
        fails(Status.Code.UNAUTHENTICATED, () -> rawCall(c, "GetStudy", new byte[] {0x0a, 0x64}));
        // Health stays open.
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(c)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus());

        // Both tenants have a study "s"; each sees only its own.
        Study a = stub(c, alice).createStudy(study("s", 1)).getStudy();
        Study b = stub(c, bob).createStudy(study("s", 2)).getStudy();
        assertEquals("s", a.getName());
        assertEquals("s", b.getName());
        assertEquals(2, stub(c, bob).getStudy(GetStudyRequest.newBuilder().setStudy("s").build()).getStudy().getSearchSpace().getParamsCount());
        assertEquals(List.of("s"), stub(c, alice).listStudies(ListStudiesRequest.getDefaultInstance()).getStudiesList().stream().map(Study::getName).toList());
        Trial aliceTrial = stub(c, alice).ask(AskRequest.newBuilder().setStudy("s").build()).getTrials(0).getTrial();
        // Bob asking for Alice's trial id on his study: not found, and nothing of Alice's is named.
        StatusRuntimeException foreign = fails(Status.Code.NOT_FOUND, () -> stub(c, bob).getTrial(
                GetTrialRequest.newBuilder().setStudy("s").setTrialId(aliceTrial.getId()).build()));
        assertFalse(foreign.getStatus().getDescription().contains("alice"), foreign.getStatus().getDescription());
        assertEquals("trial_id: no trial " + aliceTrial.getId() + " in study 's'", foreign.getStatus().getDescription());
        // Bob cannot reach Alice's study by its stored name either.
        StatusRuntimeException stored = fails(Status.Code.NOT_FOUND, () -> stub(c, bob).getStudy(GetStudyRequest.newBuilder().setStudy("alice.s").build()));
        assertEquals("study: no study named 'alice.s'", stored.getStatus().getDescription());

        // The admin sees every tenant's studies, by their stored names, and may call admin-only methods.
        assertEquals(List.of("alice.s", "bob.s"), stub(c, root).listStudies(ListStudiesRequest.getDefaultInstance())
                .getStudiesList().stream().map(Study::getName).toList());
        assertEquals(1, stub(c, root).getStudy(GetStudyRequest.newBuilder().setStudy("alice.s").build()).getStudy().getTrialCounts().getRunning());
        stub(c, root).listPlugins(ListPluginsRequest.getDefaultInstance());
        StatusRuntimeException denied = fails(Status.Code.PERMISSION_DENIED, () -> stub(c, alice).listPlugins(ListPluginsRequest.getDefaultInstance()));
        assertTrue(denied.getStatus().getDescription().contains("admin"), denied.getStatus().getDescription());
    }

    @Test
    void perTenantQuotasAnswerResourceExhausted() throws Exception {
        Path tokens = dir.resolve("tokens.txt");
        String alice = TokenFile.add(tokens, "alice", Role.USER, null);
        String bob = TokenFile.add(tokens, "bob", Role.USER, null);
        start(settings(tokens, null, Limits.DEFAULT, new Quotas(2, 5, 3), Set.of()));
        ManagedChannel c = plaintext();
        stub(c, alice).createStudy(study("a1", 1));
        stub(c, alice).createStudy(study("a2", 1));
        StatusRuntimeException studies = fails(Status.Code.RESOURCE_EXHAUSTED, () -> stub(c, alice).createStudy(study("a3", 1)));
        assertTrue(studies.getStatus().getDescription().contains("quota studies"), studies.getStatus().getDescription());
        stub(c, bob).createStudy(study("b1", 1)); // other tenants are not affected

        List<Trial> running = new ArrayList<>(stub(c, alice).ask(AskRequest.newBuilder().setStudy("a1").setCount(3).build())
                .getTrialsList().stream().map(t -> t.getTrial()).toList());
        StatusRuntimeException run = fails(Status.Code.RESOURCE_EXHAUSTED, () -> stub(c, alice).ask(AskRequest.newBuilder().setStudy("a2").build()));
        assertTrue(run.getStatus().getDescription().contains("running_trials"), run.getStatus().getDescription());
        for (Trial t : running) {
            stub(c, alice).tell(io.hypatia.grpc.v1.TellRequest.newBuilder().setStudy("a1").setTrialId(t.getId())
                    .setComplete(io.hypatia.grpc.v1.TellRequest.Complete.newBuilder().addValues(1)).build());
        }
        stub(c, alice).ask(AskRequest.newBuilder().setStudy("a1").setCount(2).build());
        StatusRuntimeException perStudy = fails(Status.Code.RESOURCE_EXHAUSTED, () -> stub(c, alice).ask(AskRequest.newBuilder().setStudy("a1").build()));
        assertTrue(perStudy.getStatus().getDescription().contains("trials_per_study"), perStudy.getStatus().getDescription());
    }

    // ---------------------------------------------------------------- TLS

    @Test
    void tlsWithClientCertificates() throws Exception {
        SelfSignedCertificate serverCert = SelfSignedCertificate.create(dir, "server");
        SelfSignedCertificate clientCert = SelfSignedCertificate.create(dir, "client");
        start(settings(null, new GatewayServer.Tls(serverCert.cert(), serverCert.key(), clientCert.cert()), Limits.DEFAULT, Quotas.DEFAULT, Set.of()));
        ManagedChannel trusted = NettyChannelBuilder.forAddress("127.0.0.1", gateway.port())
                .sslContext(GrpcSslContexts.forClient().trustManager(serverCert.cert().toFile())
                        .keyManager(clientCert.cert().toFile(), clientCert.key().toFile()).build()).build();
        gateway.track(trusted);
        stub(trusted, null).createStudy(study("tls", 1));
        // Without a client certificate the handshake fails.
        ManagedChannel anonymous = NettyChannelBuilder.forAddress("127.0.0.1", gateway.port())
                .sslContext(GrpcSslContexts.forClient().trustManager(serverCert.cert().toFile()).build()).build();
        gateway.track(anonymous);
        fails(Status.Code.UNAVAILABLE, () -> stub(anonymous, null).listStudies(ListStudiesRequest.getDefaultInstance()));
        // Plaintext against a TLS port fails too.
        fails(Status.Code.UNAVAILABLE, () -> stub(plaintext(), null).listStudies(ListStudiesRequest.getDefaultInstance()));
    }

    // ---------------------------------------------------------------- finding 3: one tenant cannot starve the others

    @Test
    void aTenantAtItsCallLimitIsRefusedWhileOtherTenantsAreServed() throws Exception {
        Path tokens = dir.resolve("tokens.txt");
        String alice = TokenFile.add(tokens, "alice", Role.USER, null);
        String bob = TokenFile.add(tokens, "bob", Role.USER, null);
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        TestPlugins plugins = new TestPlugins();
        plugins.samplers.put("slow", ctx -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ctx.space().sampleUniform(ctx.random());
        });
        gateway = new TestGateway(dir, plugins);
        gateway.serve("127.0.0.1", settings(tokens, null, Limits.parse("max_calls_per_tenant=1"), Quotas.DEFAULT, Set.of()));
        ManagedChannel c = plaintext();
        stub(c, alice).createStudy(study("s", 1).toBuilder()
                .setSampler(io.hypatia.grpc.v1.PluginSelection.newBuilder().setName("slow")).build());
        stub(c, bob).createStudy(study("s", 1));
        // Alice's ask holds her only slot inside the slow sampler.
        var pending = HypatiaServiceGrpc.newFutureStub(c).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(TestGateway.bearer(alice)))
                .ask(AskRequest.newBuilder().setStudy("s").build());
        entered.await();
        StatusRuntimeException busy = fails(Status.Code.RESOURCE_EXHAUSTED, () -> stub(c, alice).listStudies(ListStudiesRequest.getDefaultInstance()));
        assertTrue(busy.getStatus().getDescription().contains("max_calls_per_tenant"), busy.getStatus().getDescription());
        assertEquals(1, stub(c, bob).ask(AskRequest.newBuilder().setStudy("s").build()).getTrialsCount(), "bob is served meanwhile");
        release.countDown();
        assertEquals(1, pending.get(30, TimeUnit.SECONDS).getTrialsCount());
        // The slot is free again once the call has finished.
        assertEquals(1, stub(c, alice).listStudies(ListStudiesRequest.getDefaultInstance()).getStudiesCount());
    }
}
