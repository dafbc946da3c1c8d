package io.hypatia.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `--store` and `--store-credentials`: what is accepted, and errors that name the option. */
class StoreOptionsTest {
    @TempDir
    Path dir;

    private static HypatiaServer.SharedStore parse(Map<String, String> env, String... args) {
        return Main.sharedStore(new Args(args, 0, Set.of("store", "store-credentials"), Set.of()), env);
    }

    private static String error(Map<String, String> env, String... args) {
        return assertThrows(Args.UsageException.class, () -> parse(env, args)).getMessage();
    }

    @Test
    void noStoreMeansTheEmbeddedOne() {
        assertNull(parse(Map.of("PGUSER", "u")));
    }

    @Test
    void credentialsComeFromAFileOrTheEnvironmentNeverTheUrl() throws Exception {
        Path file = Files.writeString(dir.resolve("cred"), "# role\nuser = hyp\npassword=s3=cret\n");
        HypatiaServer.SharedStore s = parse(Map.of(), "--store", "postgresql://db.example/studies", "--store-credentials", file.toString());
        assertEquals("db.example", s.location().host());
        assertEquals(5432, s.location().port());
        assertEquals("studies", s.location().database());
        assertEquals("hyp", s.credentials().user());
        assertEquals("s3=cret", s.credentials().password());
        assertTrue(!s.credentials().toString().contains("s3=cret"), "the password is not printed");

        s = parse(Map.of("HYPATIA_PG_USER", "a", "HYPATIA_PG_PASSWORD", "b", "PGUSER", "c"), "--store", "postgresql://h:6543/d");
        assertEquals(6543, s.location().port());
        assertEquals("a", s.credentials().user());
        assertEquals("c", parse(Map.of("PGUSER", "c", "PGPASSWORD", "p"), "--store", "postgresql://h/d").credentials().user());

        assertTrue(error(Map.of("PGUSER", "c"), "--store", "postgresql://u:p@h/d").startsWith("--store: credentials do not belong"));
    }

    @Test
    void badValuesAreRefusedNamingTheOption() throws Exception {
        Map<String, String> env = Map.of("PGUSER", "u");
        assertTrue(error(env, "--store", "mysql://h/d").startsWith("--store: expected postgresql://"));
        assertTrue(error(env, "--store", "postgresql://h/").contains("no database name"));
        assertTrue(error(env, "--store", "postgresql:///d").contains("no host"));
        assertTrue(error(Map.of(), "--store", "postgresql://h/d").contains("--store-credentials FILE, or HYPATIA_PG_USER"));
        assertTrue(error(env, "--store-credentials", "x").startsWith("--store-credentials needs --store"));
        assertTrue(error(env, "--store", "postgresql://h/d", "--store-credentials", dir.resolve("none").toString())
                .startsWith("--store-credentials: cannot read"));
        Path noUser = Files.writeString(dir.resolve("nouser"), "password=x\n");
        assertTrue(error(env, "--store", "postgresql://h/d", "--store-credentials", noUser.toString()).contains("no user=NAME line"));
    }
}
