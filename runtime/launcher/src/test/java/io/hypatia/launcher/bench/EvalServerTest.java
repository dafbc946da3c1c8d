package io.hypatia.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.benchmark.Fidelity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The line protocol the Optuna script evaluates Hypatia's benchmarks through. */
class EvalServerTest {
    private final EvalServer server = new EvalServer(
            new FakeBenchmark(new Fidelity("epoch", 1, 10), (x, r) -> x + 10 / r, (x, r) -> 2 * r));

    @Test
    void describesTheBenchmarkThenAnswersEachLine() throws IOException {
        StringWriter out = new StringWriter();
        server.serve(new BufferedReader(new StringReader("{\"config\": {\"x\": 3}, \"budget\": 5, \"seed\": 1}\n\n"
                + "{\"config\": {\"x\": 2.5}}\n")), new PrintWriter(out));
        String[] lines = out.toString().split("\n");
        assertEquals(3, lines.length);
        assertEquals("{\"benchmark\":\"fake\",\"space\":\"" + TestPoints.space(new FakeBenchmark(null, null, null).space())
                + "\",\"objective\":\"loss\",\"direction\":\"minimize\",\"fidelity\":{\"name\":\"epoch\",\"min\":1.0,\"max\":10.0},"
                + "\"optimum\":0.0}", lines[0]);
        assertEquals("{\"values\":[5.0],\"cost\":10.0}", lines[1], "x + 10/r and cost 2r at r = 5");
        assertEquals("{\"values\":[3.5],\"cost\":20.0}", lines[2], "without a budget: the fidelity's max");
    }

    @Test
    void aListOfBudgetsIsAnsweredWithTheCurveInOneLine() {
        assertEquals("{\"curve\":[{\"values\":[13.0],\"cost\":2.0},{\"values\":[5.0],\"cost\":10.0},"
                        + "{\"values\":[4.0],\"cost\":20.0}]}",
                server.answer("{\"config\": {\"x\": 3}, \"budgets\": [1, 5, 10], \"seed\": 1}"));
        assertEquals("{\"curve\":[" + server.answer("{\"config\": {\"x\": 3}, \"budget\": 5}") + "]}",
                server.answer("{\"config\": {\"x\": 3}, \"budgets\": [5]}"), "an entry is what the single form answers");
    }

    @Test
    void badRequestsAreAnsweredWithAnErrorNamingTheField() {
        assertTrue(server.answer("{\"config\": {\"x\": 1}, \"budgets\": []}").contains("budgets"));
        assertTrue(server.answer("{\"config\": {\"x\": 1}, \"budgets\": [\"a\"]}").contains("budgets"));
        assertTrue(server.answer("{\"config\": {\"x\": 1}, \"budget\": 2, \"budgets\": [1]}").contains("budgets"));
        assertTrue(server.answer("{\"config\": {\"x\": 2000}}").contains("config.x"));
        assertTrue(server.answer("{\"config\": {\"y\": 1}}").contains("config.y"));
        assertTrue(server.answer("{\"config\": {\"x\": 1}, \"budget\": \"five\"}").contains("budget"));
        assertTrue(server.answer("{\"config\": [1]}").contains("config"));
        assertTrue(server.answer("not json").startsWith("{\"error\":"));
    }
}
