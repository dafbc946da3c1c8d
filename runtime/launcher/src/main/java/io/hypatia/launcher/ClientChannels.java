package io.hypatia.launcher;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The gRPC channel the command-line clients ({@code studies}, {@code bench-rpc --target}) open to a service. */
final class ClientChannels {
    private ClientChannels() {
    }

    /**
     * @param target     HOST:PORT
     * @param tls        use TLS (implied by {@code trustedCa})
     * @param trustedCa  trust this CA certificate (PEM) instead of the system's trusted ones; null for those
     */
    static ManagedChannel open(String target, boolean tls, Path trustedCa) throws IOException {
        if (trustedCa == null && !tls) {
            return ManagedChannelBuilder.forTarget(target).usePlaintext().build();
        }
        var ssl = GrpcSslContexts.forClient();
        if (trustedCa != null) {
            if (!Files.isReadable(trustedCa)) {
                throw new IOException("--tls-ca " + trustedCa + " is not a readable file");
            }
            ssl.trustManager(trustedCa.toFile());
        }
        return NettyChannelBuilder.forTarget(target).sslContext(ssl.build()).build();
    }
}
