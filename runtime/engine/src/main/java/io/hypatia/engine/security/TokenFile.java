package io.hypatia.engine.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Bearer tokens, kept as SHA-256 hashes in a text file, one per line:
 *
 * <pre>
 * # sha256-of-token                                                tenant  role   (comment)
 * 3f2a...e9  alice  user   laptop of Alice
 * </pre>
 *
 * A token is 32 random bytes (URL-safe base64, prefixed {@code hyp_}); only its hash is stored,
 * so the file leaks no usable secret. The file is re-read when it changes (checked at most once
 * a second), so tokens can be added or revoked without a restart. Used by the gRPC gateway and
 * reusable by any other front end (the dashboard) that must honour the same tokens and tenants.
 */
public final class TokenFile {
    /** Tenant names: a letter or digit, then letters, digits, '_' and '-', 1-32 characters (never '.', see {@link TenantNames}). */
    public static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,31}");
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final long RECHECK_MILLIS = 1000;

    private final Path file;
    private volatile Map<String, Principal> byHash;
    private volatile FileTime loadedModified;
    private volatile long nextCheck;

    private TokenFile(Path file) throws IOException {
        this.file = file;
        reload();
    }

    /** Reads {@code file}; fails with a message naming the bad line. */
    public static TokenFile load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("token file " + file + " does not exist; create one with `hypatia token add`");
        }
        return new TokenFile(file);
    }

    public Path file() {
        return file;
    }

    /** The principal of {@code token}, or empty when the token is unknown. */
    public Optional<Principal> authenticate(String token) {
        refreshIfChanged();
        return Optional.ofNullable(byHash.get(hash(token)));
    }

    /** How many tokens the file holds. */
    public int size() {
        return byHash.size();
    }

    /** A new random token (shown once to the operator; only its hash is stored). */
    public static String newToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return "hyp_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Lower-case hex SHA-256 of the token's UTF-8 bytes. */
    public static String hash(String token) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Creates a token for {@code tenant} with {@code role}, appends its hash to {@code file} (created if needed) and returns the token. */
    public static String add(Path file, String tenant, Role role, String comment) throws IOException {
        if (!TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("tenant must be 1-32 letters, digits, '_' or '-', starting with a letter or digit, got '" + Echo.truncate(tenant) + "'");
        }
        String token = newToken();
        String line = hash(token) + " " + tenant + " " + role.label()
                + (comment == null || comment.isBlank() ? "" : " " + comment.replaceAll("[\\r\\n]", " ")) + "\n";
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        boolean fresh = !Files.exists(file);
        Files.writeString(file, (fresh ? "# hypatia tokens: sha256-of-token tenant role [comment]\n" : "") + line,
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return token;
    }

    private void refreshIfChanged() {
        long now = System.currentTimeMillis();
        if (now < nextCheck) {
            return;
        }
        nextCheck = now + RECHECK_MILLIS;
        try {
            if (!Files.getLastModifiedTime(file).equals(loadedModified)) {
                reload();
            }
        } catch (IOException | IllegalArgumentException e) {
            // Keep serving with the tokens last read; a broken edit must not lock everyone out.
            java.util.logging.Logger.getLogger(TokenFile.class.getName()).warning(
                    "token file " + file + " not reloaded, keeping the previous tokens: " + e.getMessage());
        }
    }

    private synchronized void reload() throws IOException {
        FileTime modified = Files.getLastModifiedTime(file);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, Principal> parsed = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+", 4);
            String where = file + " line " + (i + 1) + ": ";
            if (f.length < 3 || !HASH.matcher(f[0]).matches()) {
                throw new IllegalArgumentException(where + "expected '<sha256 hex> <tenant> <user|admin> [comment]'");
            }
            if (!TENANT.matcher(f[1]).matches()) {
                throw new IllegalArgumentException(where + "tenant must be 1-32 letters, digits, '_' or '-', starting with a letter or digit");
            }
            parsed.put(f[0], new Principal(f[1], Role.parse(f[2])));
        }
        byHash = Map.copyOf(parsed);
        loadedModified = modified;
    }
}
