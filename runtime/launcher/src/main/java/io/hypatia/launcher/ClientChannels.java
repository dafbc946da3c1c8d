package io.hypatia.launcher;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.hypatia.client.GatewayTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The gRPC channel the command-line clients ({@code studies}, {@code bench-rpc --target}) open to a service. */
final class ClientChannels {
    private ClientChannels() {
    }

    /**
     * @param target     HOST:PORT, several gateways HOST1:PORT1,HOST2:PORT2 (spread round robin), or a gRPC target
     * @param tls        use TLS (implied by {@code trustedCa})
     * @param trustedCa  trust this CA certificate (PEM) instead of the system's trusted ones; null for those
     */
    static ManagedChannel open(String target, boolean tls, Path trustedCa) throws IOException {
        ChannelCredentials credentials;
        if (trustedCa != null) {
            if (!Files.isReadable(trustedCa)) {
                throw new IOException("--tls-ca " + trustedCa + " is not a readable file");
            }
            credentials = TlsChannelCredentials.newBuilder().trustManager(trustedCa.toFile()).build();
        } else {
            credentials = tls ? TlsChannelCredentials.create() : InsecureChannelCredentials.create();
        }
        try {
            return GatewayTarget.channelBuilder(target, credentials).build();
        } catch (IllegalArgumentException e) {
            throw new IOException("--target: " + e.getMessage(), e);
        }
    }
}
