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
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.hypatia.engine.security.Quotas;
import io.hypatia.engine.security.TokenFile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Set;
import javax.net.ssl.SSLException;
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

    /**
     * TLS material, PEM files. With {@code clientCa} set, clients must present a certificate it signed.
     *
     * @param certChain  the server's certificate chain (PEM)
     * @param privateKey the server's private key (PKCS#8 PEM)
     * @param clientCa   CA certificates (PEM) to verify client certificates against, or null for no client certificates
     */
    public record Tls(Path certChain, Path privateKey, Path clientCa) {
    }

    /**
     * Security and limits of the listener.
     *
     * @param tokenFile bearer tokens (see {@link TokenFile}); null turns authentication off
     * @param tls       TLS material, or null for plaintext
     * @param insecure  allow binding a non-loopback address without authentication
     * @param limits    request bounds
     * @param quotas    per-tenant quotas (with authentication)
     * @param adminOnly full method names only admins may call
     */
    public record Settings(Path tokenFile, Tls tls, boolean insecure, Limits limits, Quotas quotas, Set<String> adminOnly) {
        /** No authentication, plaintext, default limits: for loopback only. */
        public static final Settings LOOPBACK = new Settings(null, null, false, Limits.DEFAULT, Quotas.DEFAULT, Set.of());
    }

    /** Starts serving {@code engine} on {@code host:port}; port 0 picks a free port (see {@link #port()}). */
    public static GatewayServer start(StudyEngine engine, String host, int port) throws IOException {
        return start(engine, host, port, Settings.LOOPBACK);
    }

    /**
     * Starts serving {@code engine} on {@code host:port} with {@code settings}. Throws
     * {@link StartupException} with a one-line reason for what the operator must fix (a busy port,
     * a non-loopback address without authentication, unreadable TLS or token files).
     */
    public static GatewayServer start(StudyEngine engine, String host, int port, Settings settings) throws IOException {
        return start(engine, host, port, settings, List.of());
    }

    /** As {@link #start(StudyEngine, String, int, Settings)}, with {@code interceptors} around every call (e.g. metrics). */
    @SuppressWarnings("deprecation") // v1alpha reflection, kept for older tools such as grpc_cli
    public static GatewayServer start(StudyEngine engine, String host, int port, Settings settings,
                                      List<ServerInterceptor> interceptors) throws IOException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new StartupException("cannot resolve the address to bind, '" + host + "'");
        }
        if (settings.tokenFile() == null && !settings.insecure() && !address.getAddress().isLoopbackAddress()) {
            throw new StartupException("refusing to serve on " + host + " (not a loopback address) without authentication: "
                    + "give --auth-tokens FILE (see `hypatia token add`), or --insecure on a trusted network");
        }
        TokenFile tokens = null;
        if (settings.tokenFile() != null) {
            try {
                tokens = TokenFile.load(settings.tokenFile());
            } catch (IOException | IllegalArgumentException e) {
                throw new StartupException("cannot read the token file: " + e.getMessage(), e);
            }
        }
        // Engine calls block on store commits, so handlers need real threads, not Netty's event loop.
        // At least 64, so a tenant at max_calls_per_tenant (48) leaves threads for the others.
        int threads = Math.max(64, 8 * Runtime.getRuntime().availableProcessors());
        ExecutorService executor = Executors.newFixedThreadPool(threads, daemonThreads("hypatia-grpc"));
        HealthStatusManager health = new HealthStatusManager();
        ServerServiceDefinition hypatia = MalformedRequests.guard(
                new HypatiaGrpcService(engine, settings.limits(), settings.quotas()).bindService());
        if (tokens != null) {
            hypatia = ServerInterceptors.intercept(hypatia, new AuthInterceptor(tokens, settings.adminOnly(), settings.limits().get("max_calls_per_tenant")));
        }
        NettyServerBuilder builder = NettyServerBuilder.forAddress(address);
        interceptors.forEach(builder::intercept);
        builder.executor(executor)
                .maxInboundMessageSize(settings.limits().maxRequestBytes())
                // Bounded metadata: the default 8 KiB, stated so it is not loosened by accident.
                .maxInboundMetadataSize(8192)
                // Trainers keep a channel open through long training runs; accept their keepalive pings.
                .permitKeepAliveTime(20, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .addService(hypatia)
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .addService(ProtoReflectionService.newInstance());
        if (settings.tls() != null) {
            builder.sslContext(sslContext(settings.tls()));
        }
        Server server = builder.build();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            if (e instanceof IOException) {
                // Netty reports a failed bind as an IOException (BindException, or epoll's native one).
                throw new StartupException("cannot listen on " + host + ":" + port + ": " + bindProblem(e), e);
            }
            throw e;
        }
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(HypatiaServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
        LOG.info("gRPC gateway listening on " + host + ":" + server.getPort());
        return new GatewayServer(server, health, executor);
    }

    private static SslContext sslContext(Tls tls) {
        try {
            SslContextBuilder b = GrpcSslContexts.configure(
                    SslContextBuilder.forServer(tls.certChain().toFile(), tls.privateKey().toFile()));
            if (tls.clientCa() != null) {
                b.trustManager(tls.clientCa().toFile()).clientAuth(ClientAuth.REQUIRE);
            }
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new StartupException("cannot load the TLS certificate/key (" + tls.certChain() + ", " + tls.privateKey()
                    + (tls.clientCa() != null ? ", client CA " + tls.clientCa() : "") + "): " + e.getMessage(), e);
        }
    }

    private static String bindProblem(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        if (message.contains("in use")) {
            return "the port is already in use (another hypatia serve?); choose another with --port";
        }
        return message.replace('\n', ' ') + "; check --host and --port";
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
