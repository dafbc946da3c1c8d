package io.hypatia.launcher.bench;

import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.study.Trial;
import io.hypatia.engine.Plugins;
import io.hypatia.engine.StudyEngine;
import io.hypatia.engine.StudySpec;
import io.hypatia.engine.store.Store;
import java.sql.SQLException;
import java.util.List;

/** Drives studies on a {@link StudyEngine} in this process, with its own in-memory store. */
public final class EngineBackend implements StudyBackend {
    private final Store store;
    private final StudyEngine engine;

    public EngineBackend(Plugins plugins) {
        this(plugins, Store.openInMemory());
    }

    /** On {@code store}, which this backend closes. */
    public EngineBackend(Plugins plugins, Store store) {
        this.store = store;
        try {
            this.engine = new StudyEngine(store, plugins);
        } catch (SQLException e) {
            store.close();
            throw new IllegalStateException("cannot start a study engine on its store", e);
        }
    }

    public StudyEngine engine() {
        return engine;
    }

    /** Simulated milliseconds, the engine's training clock ({@link Study#simulatedTime}). */
    private final java.util.concurrent.atomic.AtomicLong simulatedMillis = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public Study create(StudySpec spec) {
        engine.setTrainingClock(() -> java.time.Instant.ofEpochMilli(simulatedMillis.get()));
        engine.createStudy(spec);
        String name = spec.name();
        return new Study() {
            @Override
            public Asked ask(String worker) {
                StudyEngine.Asked a = engine.ask(name, 1, worker).get(0);
                Trial t = a.info().trial();
                return new Asked(t.id(), t.number(), t.config(), t.budget(), a.resumed(), a.resumeStep(), a.attempt(),
                        a.handOut(), a.checkpoint());
            }

            @Override
            public Decision report(long trialId, double step, double value, int attempt, String checkpoint) {
                return engine.report(name, trialId, step, value, attempt, checkpoint).decision();
            }

            @Override
            public void tell(long trialId, List<Double> values, int attempt) {
                engine.tell(name, trialId, StudyEngine.Outcome.complete(values), "", attempt, "");
            }

            @Override
            public void fail(long trialId, String reason) {
                engine.tell(name, trialId, StudyEngine.Outcome.failed(reason), "");
            }

            @Override
            public long pluginFallbacks() {
                return engine.getStudy(name).pluginFallbacks();
            }

            @Override
            public void simulatedTime(double seconds) {
                simulatedMillis.set(Math.round(seconds * 1000));
            }

            @Override
            public void delete() {
                engine.deleteStudy(name);
            }
        };
    }

    @Override
    public void close() {
        engine.close();
        store.close();
    }
}
