package io.hypatia.dashboard;

import io.hypatia.engine.TestPlugins;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.engine.PluginRef;
import io.hypatia.engine.StudyEngine;
import io.hypatia.engine.StudySpec;
import io.hypatia.engine.security.Role;
import io.hypatia.engine.security.TokenFile;
import io.hypatia.engine.store.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard behind a real token file: tenants see only their studies, /metrics is for admins. */
class TokenAccessTest {
    @TempDir
    Path dir;
    private Store store;
    private StudyEngine engine;
    private DashboardServer server;
    private String alice;
    private String admin;

    @BeforeEach
    void start() throws Exception {
        Path file = dir.resolve("tokens");
        alice = TokenFile.add(file, "alice", Role.USER, "test");
        admin = TokenFile.add(file, "ops", Role.ADMIN, "test");
        store = Store.openInMemory();
        engine = new StudyEngine(store, new TestPlugins("uniform", "2.1.0"));
        for (String name : List.of("alice.resnet", "bob.resnet")) {
            engine.createStudy(StudySpec.of(name, SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false))),
                    List.of(new Objective("loss", Direction.MINIMIZE)), PluginRef.of("uniform")));
        }
        server = DashboardServer.start(engine, new ServiceMetrics().watch(engine, 10), new TokenAccess(TokenFile.load(file)),
                "127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        server.close();
        engine.close();
        store.close();
    }

    @Test
    void aTenantSeesOnlyItsStudies() throws Exception {
        assertEquals(401, get("/api/studies", null).statusCode());
        assertEquals(401, get("/api/studies", "not-a-token").statusCode());
        String mine = get("/api/studies", alice).body();
        assertTrue(mine.contains("alice.resnet"), mine);
        assertFalse(mine.contains("bob.resnet"), mine);
        assertEquals(404, get("/api/studies/bob.resnet/trials", alice).statusCode());
        assertEquals(200, get("/api/studies/alice.resnet/trials", alice).statusCode());
        assertTrue(get("/api/studies", admin).body().contains("bob.resnet"));
    }

    @Test
    void metricsNeedAnAdmin() throws Exception {
        assertEquals(401, get("/metrics", null).statusCode());
        assertEquals(403, get("/metrics", alice).statusCode());
        HttpResponse<String> scrape = get("/metrics", admin);
        assertEquals(200, scrape.statusCode());
        assertTrue(scrape.body().contains("hypatia_studies 2.0"), scrape.body());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
