package io.hypatia.it;

import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.engine.PluginRef;
import io.hypatia.engine.StudyEngine;
import io.hypatia.engine.StudySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** A large finished study made in-process through the engine, for load measurements. */
final class LoadStudy {
    private LoadStudy() {
    }

    /** {@code n} COMPLETE trials of Branin on random samples; the first 200 also report a 10-step curve. */
    static void create(StudyEngine engine, String name, int n) throws Exception {
        engine.createStudy(StudySpec.of(name, SearchSpace.of(List.of(new FloatParameter("x1", -5, 10, false),
                        new FloatParameter("x2", 0, 15, false), new FloatParameter("lr", 1e-5, 1e-1, true),
                        new CategoricalParameter("kind", List.<Object>of("a", "b", "c")))),
                List.of(new Objective("loss", Direction.MINIMIZE)), PluginRef.of("random")));
        ExecutorService workers = Executors.newFixedThreadPool(8); // concurrent tells share group commits
        try {
            int done = 0;
            while (done < n) {
                int batch = Math.min(StudyEngine.MAX_ASK, n - done);
                List<Future<?>> told = new ArrayList<>();
                for (StudyEngine.Asked a : engine.ask(name, batch, "load")) {
                    told.add(workers.submit(() -> {
                        var t = a.info().trial();
                        double x1 = t.config().getDouble("x1");
                        double x2 = t.config().getDouble("x2");
                        double b = 5.1 / (4 * Math.PI * Math.PI);
                        double y = Math.pow(x2 - b * x1 * x1 + 5 / Math.PI * x1 - 6, 2) + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
                        if (t.number() < 200) {
                            for (int step = 1; step <= 10; step++) {
                                engine.report(name, t.id(), step, y + 10.0 / step);
                            }
                        }
                        engine.tell(name, t.id(), StudyEngine.Outcome.complete(List.of(y)), null);
                        return null;
                    }));
                }
                for (Future<?> f : told) {
                    f.get();
                }
                done += batch;
            }
        } finally {
            workers.shutdownNow();
        }
    }
}
