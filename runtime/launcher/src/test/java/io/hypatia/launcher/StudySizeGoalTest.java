package io.hypatia.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The goal line of `bench-rpc --study-sizes` (issue 13: flat within 20% from the smallest to the largest study). */
class StudySizeGoalTest {
    private static StudySizeBench.Row grpc(int size, double rate, double p50, double p99) {
        return new StudySizeBench.Row("grpc", size, size, 1, rate, p50, p99, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    private static String goal(List<StudySizeBench.Row> rows) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StudySizeBench.printGoal(rows, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withinTwentyPercentAtEverySizeIsMetAndFasterLargeStudiesDoNotCount() {
        String line = goal(List.of(grpc(1000, 1000, 1.0, 3.0), grpc(10000, 1100, 0.9, 3.5), grpc(100000, 850, 1.19, 2.0)));
        assertTrue(line.contains(": MET"), line);
        assertTrue(line.contains("round trips/s x0.85, ask p50 x1.19, ask p99 x1.17"), line);
    }

    @Test
    void aMiddleSizeOutsideTheBandIsNotMetAndNamesTheFigure() {
        String line = goal(List.of(grpc(1000, 1000, 1.0, 3.0), grpc(36000, 700, 1.0, 3.0), grpc(100000, 1000, 1.0, 4.0)));
        assertTrue(line.contains("NOT MET (round trips/s, ask p99)"), line);
    }
}
