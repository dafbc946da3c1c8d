package io.hypatia.dashboard;

import io.hypatia.engine.TestPlugins;
import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.engine.PluginRef;
import io.hypatia.engine.Plugins;
import io.hypatia.engine.StudyEngine;
import io.hypatia.engine.StudySpec;
import io.hypatia.engine.store.Store;
import java.util.List;

/** Development aid: a dashboard over an in-memory study of N trials, for profiling pages by hand. */
public final class LoadServerMain {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int port = Integer.parseInt(args[1]);
        Plugins plugins = new TestPlugins("uniform", "2.1.0");
        Store store = Store.openInMemory();
        StudyEngine engine = new StudyEngine(store, plugins);
        String name = "load-" + n;
        engine.createStudy(StudySpec.of(name, SearchSpace.of(List.of(new FloatParameter("x1", -5, 10, false),
                        new FloatParameter("x2", 0, 15, false), new FloatParameter("lr", 1e-5, 1e-1, true),
                        new CategoricalParameter("kind", List.<Object>of("a", "b", "c")))),
                List.of(new Objective("loss", Direction.MINIMIZE)), PluginRef.of("uniform")));
        int done = 0;
        while (done < n) {
            int batch = Math.min(1000, n - done);
            for (StudyEngine.Asked a : engine.ask(name, batch, "w")) {
                var t = a.info().trial();
                double y = Math.pow(t.config().getDouble("x1") - 1, 2) + t.config().getDouble("x2");
                if (t.number() < 200) {
                    for (int step = 1; step <= 10; step++) {
                        engine.report(name, t.id(), step, y + 10.0 / step);
                    }
                }
                engine.tell(name, t.id(), StudyEngine.Outcome.complete(List.of(y)), null);
            }
            done += batch;
        }
        DashboardServer.start(engine, new ServiceMetrics().watch(engine, 20), Access.OPEN, "127.0.0.1", port);
        System.out.println("ready: http://127.0.0.1:" + port + "/study.html?name=" + name);
        Thread.currentThread().join();
    }
}
