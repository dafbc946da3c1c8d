package io.hypatia.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed RSA certificate for 127.0.0.1/localhost as PEM files, made with the JDK's
 * {@code keytool}: for measuring and testing TLS without an external CA ({@code hypatia bench-rpc
 * --security-matrix} and the tests). Not for production; give real certificates with
 * {@code --tls-cert/--tls-key}.
 *
 * @param cert the certificate (PEM)
 * @param key  its private key (PKCS#8 PEM)
 */
public record SelfSignedCertificate(Path cert, Path key) {

    /** Creates {@code <name>.crt.pem} and {@code <name>.key.pem} in {@code dir}. */
    public static SelfSignedCertificate create(Path dir, String name) throws IOException, InterruptedException {
        Path store = dir.resolve(name + ".p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        String password = "hypatia-test";
        List<String> cmd = new ArrayList<>(List.of(keytool, "-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=" + name, "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", password, "-keypass", password));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password.toCharArray());
            Certificate certificate = ks.getCertificate(name);
            Key key = ks.getKey(name, password.toCharArray());
            Path certFile = dir.resolve(name + ".crt.pem");
            Path keyFile = dir.resolve(name + ".key.pem");
            Files.writeString(certFile, pem("CERTIFICATE", certificate.getEncoded()));
            Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded())); // PKCS#8
            Files.delete(store);
            return new SelfSignedCertificate(certFile, keyFile);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot read the key store keytool wrote: " + e.getMessage(), e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
