package io.hypatia.gateway;

import io.hypatia.engine.TestPlugins;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.engine.PluginInfo;
import io.hypatia.engine.Plugins;
import io.hypatia.engine.StudyEngine;
import io.hypatia.engine.security.Quotas;
import io.hypatia.engine.store.Store;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.function.Executable;

/**
 * The gateway tests' set-up: a real store in a temp folder, a real engine on it, a {@link GatewayServer} on an
 * ephemeral loopback port, and the plaintext channels the test opened; {@link #close()} ends all of them.
 */
final class TestGateway implements AutoCloseable {
    final Store store;
    final StudyEngine engine;
    private GatewayServer server;
    private ManagedChannel channel;
    private final List<ManagedChannel> channels = new ArrayList<>();

    /** A store under {@code dir/data} and an engine on {@code plugins}; no server yet (see {@link #serve}). */
    TestGateway(Path dir, Plugins plugins) throws Exception {
        store = Store.open(dir.resolve("data"), false);
        engine = new StudyEngine(store, plugins);
    }

    /** An engine with only the random sampler, served on loopback with {@code settings}. */
    static TestGateway serving(Path dir, GatewayServer.Settings settings) throws Exception {
        return new TestGateway(dir, new TestPlugins()).serve("127.0.0.1", settings);
    }

    TestGateway serve(String host, GatewayServer.Settings settings) throws Exception {
        server = GatewayServer.start(engine, host, 0, settings);
        return this;
    }

    int port() {
        return server.port();
    }

    /** A new plaintext channel to the server, shut down with the fixture. */
    ManagedChannel plaintext() {
        return track(ManagedChannelBuilder.forAddress("127.0.0.1", port()).usePlaintext().build());
    }

    /** Closes {@code c} with the fixture. */
    ManagedChannel track(ManagedChannel c) {
        channels.add(c);
        return c;
    }

    /** A stub on one shared plaintext channel, calling with {@code token} (none when null). */
    HypatiaServiceGrpc.HypatiaServiceBlockingStub as(String token) {
        if (channel == null) {
            channel = plaintext();
        }
        return stub(channel, token);
    }

    /** A stub on {@code c} calling with {@code token} (none when null). */
    static HypatiaServiceGrpc.HypatiaServiceBlockingStub stub(ManagedChannel c, String token) {
        // generous: the first call also connects, which took 6 s once at load average 55
        var s = HypatiaServiceGrpc.newBlockingStub(c).withDeadlineAfter(60, TimeUnit.SECONDS);
        return token == null ? s : s.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
    }

    static Metadata bearer(String token) {
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return m;
    }

    static GatewayServer.Settings settings(Path tokens, GatewayServer.Tls tls, Limits limits, Quotas quotas, Set<String> adminOnly) {
        return new GatewayServer.Settings(tokens, tls, false, limits, quotas, adminOnly);
    }

    /** Runs {@code call}, which must fail with {@code code}, and answers the failure. */
    static StatusRuntimeException fails(Status.Code code, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), () -> "status " + e.getStatus());
        return e;
    }

    @Override
    public void close() throws Exception {
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
        engine.close();
        store.close();
    }
}
