package io.hypatia.it;

import io.hypatia.engine.security.Role;
import io.hypatia.engine.security.TokenFile;
import io.hypatia.gateway.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real `hypatia serve` in a child JVM with authentication and TLS, for the clients' token/TLS
 * tests: a token file holding one user token (tenant {@code clients}), a self-signed certificate
 * for 127.0.0.1 made with the JDK's keytool, and the random sampler deployed.
 */
public final class SecuredService implements AutoCloseable {
    public static final String TENANT = "clients";
    private final Path work;
    private final ChildService child;
    /** The user token (only its SHA-256 is in the token file). */
    public final String token;
    /** The server's certificate (PEM), which a client trusts as its CA. */
    public final Path ca;
    public final int port;

    private SecuredService(Path work, ChildService child, String token, Path ca, int port) {
        this.work = work;
        this.child = child;
        this.token = token;
        this.ca = ca;
        this.port = port;
    }

    public static SecuredService start() throws Exception {
        Path work = Files.createTempDirectory("hypatia-secured");
        Path deploy = Files.createDirectories(work.resolve("deploy"));
        Files.copy(ServiceFixture.bundlesDir().resolve("hypatia-sampler-random.jar"), deploy.resolve("random.jar"));
        Path tokens = work.resolve("tokens.txt");
        String token = TokenFile.add(tokens, TENANT, Role.USER, "client tests");
        SelfSignedCertificate cert = SelfSignedCertificate.create(work, "server");
        ChildService child = ChildService.start(work.resolve("data"), deploy, "--port", "0", "--auth-tokens", tokens.toString(),
                "--tls-cert", cert.cert().toString(), "--tls-key", cert.key().toString());
        try {
            return new SecuredService(work, child, token, cert.cert(), child.awaitServing());
        } catch (Exception e) {
            child.kill();
            ServiceFixture.deleteTree(work);
            throw e;
        }
    }

    public String target() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
        child.stop();
        ServiceFixture.deleteTree(work);
    }
}
