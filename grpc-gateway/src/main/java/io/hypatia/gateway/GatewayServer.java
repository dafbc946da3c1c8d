package io.hypatia.gateway;

import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.hypatia.engine.StudyEngine;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The gRPC server: the Hypatia service, the standard health service and server reflection, on
 * one Netty listener.
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GatewayServer.class.getName());

    private final Server server;
    private final HealthStatusManager health;
    private final ExecutorService executor;

    private GatewayServer(Server server, HealthStatusManager health, ExecutorService executor) {
        this.server = server;
        this.health = health;
        this.executor = executor;
    }

    /** Starts serving {@code engine} on {@code host:port}; port 0 picks a free port (see {@link #port()}). */
    public static GatewayServer start(StudyEngine engine, String host, int port) throws IOException {
        return start(engine, host, port, List.of());
    }

    /** As {@link #start(StudyEngine, String, int)}, with {@code interceptors} around every service (e.g. metrics). */
    @SuppressWarnings("deprecation") // v1alpha reflection, kept for older tools such as grpc_cli
    public static GatewayServer start(StudyEngine engine, String host, int port, List<ServerInterceptor> interceptors)
            throws IOException {
        // Engine calls block on store commits, so handlers need real threads, not Netty's event loop.
        int threads = Math.max(16, 4 * Runtime.getRuntime().availableProcessors());
        ExecutorService executor = Executors.newFixedThreadPool(threads, daemonThreads("hypatia-grpc"));
        HealthStatusManager health = new HealthStatusManager();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port));
        interceptors.forEach(builder::intercept);
        Server server = builder
                .executor(executor)
                // Trainers keep a channel open through long training runs; accept their keepalive pings.
                .permitKeepAliveTime(20, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .addService(new HypatiaGrpcService(engine))
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .addService(ProtoReflectionService.newInstance())
                .build();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(HypatiaServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
        LOG.info("gRPC gateway listening on " + host + ":" + server.getPort());
        return new GatewayServer(server, health, executor);
    }

    /** The port actually bound. */
    public int port() {
        return server.getPort();
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** Stops accepting calls, lets running ones finish for up to 5 s, then cancels the rest. */
    @Override
    public void close() {
        health.enterTerminalState(); // health checks now answer NOT_SERVING while draining
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            executor.shutdownNow();
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
