package io.hypatia.engine;

import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.scheduler.Promotion;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.api.space.Config;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.StudyEngine.Asked;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The ask hot path: hands out queued trials first, then paused trials the scheduler promotes,
 * then new suggestions from the sampler.
 */
final class AskPath {
    private static final Logger LOG = Logger.getLogger(AskPath.class.getName());
    static final int MAX_ASK = 1000;

    private final Studies studies;
    private final TrialLifecycle lifecycle;
    private final PluginCalls pluginCalls;
    private final ReportPath reportPath;

    AskPath(Studies studies, TrialLifecycle lifecycle, PluginCalls pluginCalls, ReportPath reportPath) {
        this.studies = studies;
        this.lifecycle = lifecycle;
        this.pluginCalls = pluginCalls;
        this.reportPath = reportPath;
    }

    /**
     * Hands {@code n} trials to {@code worker}. Asks of one study are serialised (so a sampler
     * sees the trials handed out just before, e.g. for a constant liar), but the sampler runs
     * without the study's lock, so tells, reports and heartbeats are not held up by a slow sampler.
     */
    List<Asked> ask(String studyName, int n, String worker) {
        if (n < 1 || n > MAX_ASK) {
            throw EngineException.invalid("count", "must be between 1 and " + MAX_ASK + ", got " + n);
        }
        StudyState s = studies.require(studyName);
        // Resolved once and used for the whole ask: looking it up again later could miss it in
        // the instant a bundle is being replaced.
        Optional<Plugins.Resolved<Sampler>> sampler = pluginCalls.awaitSampler(s.spec.sampler());
        Optional<Plugins.Resolved<Scheduler>> scheduler = pluginCalls.scheduler(s.spec.scheduler());
        List<Asked> out = new ArrayList<>();
        List<CompletableFuture<Void>> saves = new ArrayList<>();
        synchronized (s.askLock) {
            for (int i = 0; i < n; i++) {
                TrialRecord t;
                boolean resumed = false;
                List<Trial> history;
                synchronized (s) {
                    TrialLifecycle.requireLive(s);
                    t = nextWaiting(s);
                    if (t == null && scheduler.isPresent()) {
                        t = promotion(s, scheduler.get());
                        resumed = t != null;
                    }
                    history = t == null ? s.snapshots() : null;
                }
                Map<String, String> attributes = new HashMap<>();
                Config suggested = t == null ? suggest(s, sampler, history, attributes) : null;
                synchronized (s) {
                    TrialLifecycle.requireLive(s);
                    if (t == null) {
                        t = lifecycle.newTrial(s, suggested, TrialState.RUNNING, attributes);
                    }
                    t.state = TrialState.RUNNING;
                    t.worker = worker == null ? "" : worker;
                    t.leaseExpiresAt = System.currentTimeMillis() + s.spec.leaseMillis();
                    t.attempts++;
                    t.changed();
                    saves.add(lifecycle.save(s, t));
                    out.add(new Asked(t.info(s.spec.name()), resumed));
                }
            }
        }
        saves.forEach(TrialLifecycle::await);
        return out;
    }

    private static TrialRecord nextWaiting(StudyState s) {
        for (TrialRecord t : s.trials) {
            if (t.state == TrialState.WAITING) {
                return t;
            }
        }
        return null;
    }

    /** Asks the sampler for the next trial's configuration, falling back to random sampling. */
    private Config suggest(StudyState s, Optional<Plugins.Resolved<Sampler>> resolved, List<Trial> history,
                           Map<String, String> attributes) {
        int number = history.size();
        SamplerContext ctx = new SamplerContext(s.spec.name(), s.spec.space(), s.spec.objectives(), history,
                number, s.seed, s.spec.sampler().config());
        Optional<Plugins.Resolved<Sampler>> sampler = resolved;
        String problem;
        if (sampler.isPresent()) {
            try {
                return suggestWith(s, sampler.get(), ctx, attributes);
            } catch (TimeoutException e) {
                problem = "timed out after " + s.spec.samplerTimeoutMillis() + " ms";
            } catch (Exception e) {
                // The bundle may have been replaced while we held the old service: use the new one.
                Optional<Plugins.Resolved<Sampler>> now = pluginCalls.sampler(s.spec.sampler());
                if (now.isPresent() && now.get().service() != sampler.get().service()) {
                    try {
                        return suggestWith(s, now.get(), ctx, attributes);
                    } catch (Exception retry) {
                        e = retry;
                        sampler = now;
                    }
                }
                problem = e instanceof TimeoutException ? "timed out after " + s.spec.samplerTimeoutMillis() + " ms" : "failed: " + e;
            }
            LOG.log(Level.WARNING, "study " + s.spec.name() + ": sampler " + sampler.get().label() + " " + problem
                    + "; trial " + number + " falls back to random sampling");
        } else {
            problem = "sampler '" + s.spec.sampler().name() + "' is not loaded";
            LOG.warning("study " + s.spec.name() + ": " + problem + "; trial " + number + " falls back to random sampling");
        }
        s.pluginFallbacks.incrementAndGet();
        attributes.put("sampler", "fallback-random");
        attributes.put("sampler_problem", problem);
        return s.spec.space().sampleUniform(ctx.random());
    }

    private Config suggestWith(StudyState s, Plugins.Resolved<Sampler> sampler, SamplerContext ctx,
                               Map<String, String> attributes) throws Exception {
        Config c = pluginCalls.call(() -> sampler.service().suggest(ctx), s.spec.samplerTimeoutMillis());
        if (c == null) {
            throw new IllegalStateException("sampler returned no configuration");
        }
        Config valid = s.spec.space().validate(c);
        attributes.put("sampler", sampler.label());
        return valid;
    }

    private TrialRecord promotion(StudyState s, Plugins.Resolved<Scheduler> scheduler) {
        var ctx = reportPath.schedulerContext(s);
        Optional<Promotion> p;
        try {
            p = pluginCalls.call(() -> scheduler.service().promote(ctx), s.spec.schedulerTimeoutMillis());
        } catch (Exception e) {
            reportPath.schedulerProblem(s, scheduler, "promote", e);
            return null;
        }
        if (p == null || p.isEmpty()) {
            return null;
        }
        TrialRecord t = s.byId.get(p.get().trialId());
        if (t == null || t.state != TrialState.PAUSED || !(p.get().budget() > t.budget)) {
            LOG.warning("study " + s.spec.name() + ": scheduler " + scheduler.label() + " proposed an invalid promotion "
                    + p.get() + "; ignored");
            s.pluginFallbacks.incrementAndGet();
            return null;
        }
        t.budget = p.get().budget();
        return t;
    }
}
