package io.hypatia.dashboard;

import io.hypatia.engine.TestPlugins;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.engine.PluginRef;
import io.hypatia.engine.StudyEngine;
import io.hypatia.engine.StudySpec;
import io.hypatia.engine.store.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's JSON over real HTTP on a real engine (in-memory store, a uniform sampler
 * registered in code): paging, sorting and filtering on the server, incremental chart data,
 * CSV, errors that name the parameter, and the access seam hiding studies.
 */
class DashboardServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Store store;
    private StudyEngine engine;
    private DashboardServer server;
    private final List<Double> values = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        store = Store.openInMemory();
        engine = new StudyEngine(store, new TestPlugins("uniform", "2.1.0"));
        engine.createStudy(StudySpec.of("s1", SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false))),
                List.of(new Objective("loss", Direction.MINIMIZE)), PluginRef.of("uniform")));
        for (StudyEngine.Asked a : engine.ask("s1", 25, "w")) {
            double x = a.info().trial().config().getDouble("x");
            if (a.info().trial().number() % 5 == 4) {
                engine.tell("s1", a.info().trial().id(), StudyEngine.Outcome.failed("diverged"), null);
            } else {
                engine.tell("s1", a.info().trial().id(), StudyEngine.Outcome.complete(List.of((x - 0.3) * (x - 0.3))), null);
                values.add((x - 0.3) * (x - 0.3));
            }
        }
        engine.createStudy(StudySpec.of("hidden", SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false))),
                List.of(new Objective("loss", Direction.MINIMIZE)), PluginRef.of("uniform")));
        Access onlyS1 = ctx -> study -> study.spec().name().equals("s1");
        server = DashboardServer.start(engine, new ServiceMetrics().watch(engine, 10), onlyS1, "127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        server.close();
        engine.close();
        store.close();
    }

    @Test
    void studiesListShowsOnlyWhatTheViewerMaySee() throws Exception {
        JsonNode studies = get("/api/studies", 200);
        assertEquals(1, studies.size());
        assertEquals("s1", studies.get(0).get("name").asText());
        assertEquals(20, studies.get(0).get("counts").get("COMPLETE").asInt());
        assertEquals(5, studies.get(0).get("counts").get("FAILED").asInt());
        assertEquals(values.stream().mapToDouble(Double::doubleValue).min().getAsDouble(),
                studies.get(0).get("best").get(0).asDouble(), 0);
        assertEquals("uniform@2.1.0", studies.get(0).get("sampler").asText());
        assertEquals(404, status("/api/studies/hidden"));
        assertEquals(0, get("/api/studies?q=zzz", 200).size());
    }

    @Test
    void trialsArePagedSortedAndFilteredOnTheServer() throws Exception {
        JsonNode page = get("/api/studies/s1/trials?sort=value&order=asc&offset=5&limit=5", 200);
        assertEquals(25, page.get("total").asInt());
        List<Double> sorted = values.stream().sorted().toList();
        for (int i = 0; i < 5; i++) {
            assertEquals(sorted.get(5 + i), page.get("trials").get(i).get("values").get(0).asDouble(), 0);
        }
        JsonNode last = get("/api/studies/s1/trials?sort=value&order=asc&offset=20&limit=10", 200);
        assertEquals(5, last.get("trials").size());
        last.get("trials").forEach(t -> assertEquals("FAILED", t.get("state").asText())); // no value sorts last
        JsonNode failed = get("/api/studies/s1/trials?state=failed", 200);
        assertEquals(5, failed.get("total").asInt());
        JsonNode bad = get("/api/studies/s1/trials?limit=0", 400);
        assertEquals("limit", bad.get("field").asText());
        assertEquals("sort", get("/api/studies/s1/trials?sort=param:y", 400).get("field").asText());
    }

    @Test
    void seriesAreIncrementalAndCsvHasEveryTrial() throws Exception {
        JsonNode all = get("/api/studies/s1/series", 200);
        assertEquals(20, all.get("number").size());
        assertEquals(20, all.get("params").get(0).get("values").size());
        long next = all.get("next").asLong();
        JsonNode none = get("/api/studies/s1/series?since=" + (next + 1), 200);
        assertEquals(0, none.get("number").size());
        assertEquals(next + 1, none.get("next").asLong());
        String csv = HttpClient.newHttpClient().send(request("/api/studies/s1/trials.csv"), HttpResponse.BodyHandlers.ofString()).body();
        assertEquals(26, csv.split("\n").length);
        assertTrue(csv.startsWith("number,state,loss,param_x,"), csv);
        assertTrue(csv.contains(",FAILED,"));
    }

    @Test
    void metricsCountTheEngineWork() throws Exception {
        String text = HttpClient.newHttpClient().send(request("/metrics"), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(text.contains("hypatia_study_trials{state=\"COMPLETE\",study=\"s1\"} 20.0"), text);
        assertTrue(text.contains("hypatia_trials{state=\"FAILED\"} 5.0"), text);
    }

    @Test
    void metricsSayWhereAsksAndTellsSpentTheirTime() throws Exception {
        // Two asks (one of three trials) and one tell since the metrics started watching: one
        // observation per call and phase, whatever the trial count.
        engine.ask("s1", 1, "w");
        StudyEngine.Asked a = engine.ask("s1", 3, "w").get(0);
        engine.tell("s1", a.info().trial().id(), StudyEngine.Outcome.complete(List.of(0.5)), null);
        String text = HttpClient.newHttpClient().send(request("/metrics"), HttpResponse.BodyHandlers.ofString()).body();
        for (String phase : List.of("queue", "locked", "commit")) {
            assertTrue(text.contains("hypatia_engine_call_phase_seconds_count{call=\"ask\",phase=\"" + phase + "\"} 2"), text);
        }
        for (String phase : List.of("locked", "commit")) {
            assertTrue(text.contains("hypatia_engine_call_phase_seconds_count{call=\"tell\",phase=\"" + phase + "\"} 1"), text);
        }
        assertTrue(text.contains("hypatia_store_commit_batch_size_count"), text);
    }

    private JsonNode get(String path, int status) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(request(path), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private int status(String path) throws Exception {
        return HttpClient.newHttpClient().send(request(path), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build();
    }
}
