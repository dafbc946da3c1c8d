package io.hypatia.engine;

import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SearchSpaceExhaustedException;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.scheduler.Clone;
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
import java.util.OptionalDouble;
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
    private final AskRequests askRequests;

    AskPath(Studies studies, TrialLifecycle lifecycle, PluginCalls pluginCalls, ReportPath reportPath) {
        this.studies = studies;
        this.lifecycle = lifecycle;
        this.pluginCalls = pluginCalls;
        this.reportPath = reportPath;
        this.askRequests = new AskRequests(studies);
    }

    /**
     * Hands {@code n} trials to {@code worker}. Asks of one study are serialised (so a sampler
     * sees the trials handed out just before, e.g. for a constant liar), but the sampler runs
     * without the study's lock, so tells, reports and heartbeats are not held up by a slow sampler.
     */
    List<Asked> ask(String studyName, int n, String worker, String requestId) {
        if (n < 1 || n > MAX_ASK) {
            throw EngineException.invalid("count", "must be between 1 and " + MAX_ASK + ", got " + n);
        }
        String askId = TrialLifecycle.requestId(requestId);
        StudyState s = studies.require(studyName);
        if (!askId.isEmpty()) {
            List<Asked> earlier = askRequests.replay(s, askId);
            if (earlier != null) {
                return earlier;
            }
        }
        // Resolved once and used for the whole ask: looking it up again later could miss it in
        // the instant a bundle is being replaced.
        Optional<Plugins.Resolved<Sampler>> sampler = pluginCalls.awaitSampler(s.spec.sampler());
        Optional<Plugins.Resolved<Scheduler>> scheduler = pluginCalls.scheduler(s.spec.scheduler());
        pluginCalls.checkPresent(s, "sampler", s.spec.sampler(), sampler.isPresent(), s.samplerMissing);
        pluginCalls.checkPresent(s, "scheduler", s.spec.scheduler(), scheduler.isPresent(), s.schedulerMissing);
        List<Asked> out = new ArrayList<>();
        List<CompletableFuture<Void>> saves = new ArrayList<>();
        StudyGuard guard = studies.guard();
        long queued = System.nanoTime();
        guard.coming(s); // with a shared store, the open transaction waits for this ask rather than committing without it
        long locked;
        long unlocked;
        synchronized (s.askLock) {
            locked = System.nanoTime();
            guard.arrived(s);
            if (!askId.isEmpty()) {
                // A retry that raced with the first ask waited on the lock: answer it the same trials.
                List<Asked> earlier = askRequests.replay(s, askId);
                if (earlier != null) {
                    return earlier;
                }
            }
            for (int i = 0; i < n; i++) {
                // A queued, promoted or cloned trial is handed out at once; otherwise this takes what the sampler needs.
                Step step = guard.call(s, () -> {
                    TrialLifecycle.requireLive(s);
                    if (askRequests.answeredElsewhere(s, askId, out)) {
                        return null;
                    }
                    TrialRecord t = nextWaiting(s);
                    HandOut handOut = HandOut.NEW;
                    if (t != null) {
                        handOut = t.attempts == 0 ? HandOut.NEW : HandOut.REQUEUED;
                    } else if (scheduler.isPresent()) {
                        t = promotion(s, scheduler.get());
                        if (t != null) {
                            handOut = HandOut.PROMOTED;
                        } else {
                            t = clone(s, scheduler.get());
                            handOut = t != null ? HandOut.CLONED : HandOut.NEW;
                        }
                    }
                    if (t != null) {
                        return handOut(s, t, handOut, worker, askId);
                    }
                    List<Trial> history = s.snapshots();
                    // decided before sampling, so a multi-fidelity sampler knows the budget it suggests for
                    return new Step(null, null, history, initialBudget(s, scheduler, history.size()));
                });
                if (step != null && step.asked() == null) {
                    Step planned = step;
                    Map<String, String> attributes = new HashMap<>();
                    Config suggested;
                    try {
                        suggested = suggest(s, sampler, planned.history(), planned.budget(), attributes);
                    } catch (SearchSpaceExhaustedException e) {
                        if (!out.isEmpty()) {
                            break; // the trials this ask already has are handed out; the next ask is refused
                        }
                        throw new EngineException(EngineException.Code.OUT_OF_RANGE, "sampler", "sampler "
                                + sampler.map(Plugins.Resolved::label).orElse(s.spec.sampler().name()) + " has no configuration left: "
                                + e.getMessage());
                    }
                    step = guard.call(s, () -> {
                        TrialLifecycle.requireLive(s);
                        if (askRequests.answeredElsewhere(s, askId, out)) {
                            return null;
                        }
                        // The trial's number is the study's size now; with one gateway that is the number its
                        // budget was decided for (trials are created only under the ask lock held here).
                        TrialRecord t = lifecycle.newTrial(s, suggested, TrialState.RUNNING, attributes);
                        t.budget = planned.budget();
                        return handOut(s, t, HandOut.NEW, worker, askId);
                    });
                }
                if (step == null) {
                    return askRequests.replay(s, askId); // nothing was handed out: another gateway answered this request
                }
                out.add(step.asked());
                saves.add(step.saved());
            }
            if (!askId.isEmpty()) {
                AskRequests.remember(s, askId, out, saves);
            }
            unlocked = System.nanoTime();
        }
        saves.forEach(TrialLifecycle::await);
        pluginCalls.listener().askTimes(locked - queued, unlocked - locked, System.nanoTime() - unlocked);
        return out;
    }

    /** One trial of an ask: handed out (and its change), or the history and budget to sample for. */
    private record Step(Asked asked, CompletableFuture<Void> saved, List<Trial> history, double budget) {
    }

    /** Hands {@code t} out (see below), marked with the ask's request id, and queues its row. */
    private Step handOut(StudyState s, TrialRecord t, HandOut handOut, String worker, String askId) {
        if (!askId.isEmpty()) {
            AskRequests.mark(t, askId); // durable with the hand-out, for replays after a restart and on other gateways
        }
        Asked asked = handOut(s, t, handOut, worker);
        return new Step(asked, lifecycle.save(s, t), null, 0);
    }

    /** Leases {@code t} to {@code worker} as a new attempt and tells the worker how to start it. */
    private Asked handOut(StudyState s, TrialRecord t, HandOut handOut, String worker) {
        boolean resume = switch (handOut) {
            case NEW -> false;
            case CLONED -> true;
            case PROMOTED, REQUEUED -> t.checkpointStep >= 0;
        };
        if (handOut == HandOut.PROMOTED || handOut == HandOut.REQUEUED) {
            // The new attempt builds on the checkpoint, or on nothing: later values of the old
            // attempt no longer constrain its steps (they stay in the history as abandoned).
            if (t.abandonAfter(resume ? t.checkpointStep : -1) > 0) {
                s.schedulerMemory.clear(); // its rung state may hold the abandoned values
                abandonInStore(t, resume ? t.checkpointStep : -1);
            }
        }
        t.state = TrialState.RUNNING;
        t.worker = worker == null ? "" : worker;
        t.leaseExpiresAt = System.currentTimeMillis() + s.spec.leaseMillis();
        t.attempts++;
        lifecycle.trainingTime.started(t);
        if (handOut == HandOut.PROMOTED) {
            t.decisions.add(new DecisionRecord(Math.max(0, t.checkpointStep), "PROMOTE", -1,
                    t.attributes.getOrDefault("promotion_reason", "") + " (to budget " + t.budget + ")", t.attempts,
                    System.currentTimeMillis()));
            t.attributes.remove("promotion_reason");
        }
        t.changed();
        return new Asked(t.info(s.spec.name()), resume, t.attempts, handOut, resume ? t.checkpoint : "",
                resume ? t.checkpointStep : 0);
    }

    private void abandonInStore(TrialRecord t, double afterStep) {
        long id = t.id;
        lifecycle.submit(c -> {
            try (var ps = c.prepareStatement("UPDATE intermediate_values SET abandoned = 1 WHERE trial_id = ? AND abandoned = 0 AND step > ?")) {
                ps.setLong(1, id);
                ps.setDouble(2, afterStep);
                ps.executeUpdate();
            }
        });
    }

    private double initialBudget(StudyState s, Optional<Plugins.Resolved<Scheduler>> scheduler, int number) {
        double max = s.spec.fidelity() == null ? 0 : s.spec.fidelity().max();
        if (scheduler.isEmpty() || s.spec.fidelity() == null) {
            return max;
        }
        var ctx = reportPath.schedulerContext(s);
        try {
            OptionalDouble b = pluginCalls.call("scheduler", s.spec.scheduler().name(), "initialBudget",
                    () -> scheduler.get().service().initialBudget(ctx, number), s.spec.schedulerTimeoutMillis());
            if (b == null || b.isEmpty()) {
                return max;
            }
            double budget = b.getAsDouble();
            if (budget >= s.spec.fidelity().min() && budget <= max) {
                return budget;
            }
            LOG.warning("study " + s.spec.name() + ": scheduler " + scheduler.get().label() + " proposed budget " + budget
                    + " outside the fidelity [" + s.spec.fidelity().min() + ", " + max + "]; using " + max);
            pluginCalls.fallback(s, "scheduler", s.spec.scheduler().name());
        } catch (Exception e) {
            reportPath.schedulerProblem(s, scheduler.get(), "initialBudget", e);
        }
        return max;
    }

    private static TrialRecord nextWaiting(StudyState s) {
        return s.history.firstWaiting();
    }

    /** Asks the sampler for the next trial's configuration, falling back to random sampling. */
    private Config suggest(StudyState s, Optional<Plugins.Resolved<Sampler>> resolved, List<Trial> history,
                           double budget, Map<String, String> attributes) {
        int number = history.size();
        SamplerContext ctx = new SamplerContext(s.spec.name(), s.spec.space(), s.spec.objectives(), history,
                number, s.seed, s.spec.sampler().config(), s.spec.fidelity() == null ? 0 : budget);
        Optional<Plugins.Resolved<Sampler>> sampler = resolved;
        String problem;
        if (sampler.isPresent()) {
            try {
                return suggestWith(s, sampler.get(), ctx, attributes);
            } catch (SearchSpaceExhaustedException e) {
                throw e; // an answer, not a failure: the ask says so instead of sampling at random
            } catch (TimeoutException e) {
                problem = "timed out after " + s.spec.samplerTimeoutMillis() + " ms";
            } catch (Exception e) {
                // The bundle may have been replaced while we held the old service: use the new one.
                Optional<Plugins.Resolved<Sampler>> now = pluginCalls.sampler(s.spec.sampler());
                if (now.isPresent() && now.get().service() != sampler.get().service()) {
                    try {
                        return suggestWith(s, now.get(), ctx, attributes);
                    } catch (SearchSpaceExhaustedException exhausted) {
                        throw exhausted;
                    } catch (Exception retry) {
                        e = retry;
                        sampler = now;
                    }
                }
                problem = e instanceof TimeoutException ? "timed out after " + s.spec.samplerTimeoutMillis() + " ms" : "failed: " + e;
            }
            pluginCalls.warn(sampler.get().label(), s.spec.name(), "study " + s.spec.name() + ": sampler " + sampler.get().label()
                    + " " + problem + "; trial " + number + " falls back to random sampling");
        } else {
            // logged once per outage by PluginCalls.checkPresent; each trial says so in its attributes
            problem = PluginCalls.missing("sampler", s.spec.sampler());
        }
        pluginCalls.fallback(s, "sampler", s.spec.sampler().name());
        attributes.put("sampler", "fallback-random");
        attributes.put("sampler_problem", problem);
        return s.spec.space().sampleUniform(ctx.random());
    }

    private Config suggestWith(StudyState s, Plugins.Resolved<Sampler> sampler, SamplerContext ctx,
                               Map<String, String> attributes) throws Exception {
        Config c = pluginCalls.call("sampler", s.spec.sampler().name(), "suggest",
                () -> sampler.service().suggest(ctx), s.spec.samplerTimeoutMillis());
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
            p = pluginCalls.call("scheduler", s.spec.scheduler().name(), "promote",
                    () -> scheduler.service().promote(ctx), s.spec.schedulerTimeoutMillis());
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
            pluginCalls.fallback(s, "scheduler", s.spec.scheduler().name());
            s.schedulerMemory.clear();
            return null;
        }
        t.budget = p.get().budget();
        t.attributes.put("promotion_reason", p.get().reason());
        return t;
    }

    /** A new trial cloned from another's checkpoint, if the scheduler proposes a valid one. */
    private TrialRecord clone(StudyState s, Plugins.Resolved<Scheduler> scheduler) {
        var ctx = reportPath.schedulerContext(s);
        Optional<Clone> c;
        try {
            c = pluginCalls.call("scheduler", s.spec.scheduler().name(), "exploit", () -> scheduler.service().exploit(ctx),
                    s.spec.schedulerTimeoutMillis());
        } catch (Exception e) {
            reportPath.schedulerProblem(s, scheduler, "exploit", e);
            return null;
        }
        if (c == null || c.isEmpty()) {
            return null;
        }
        TrialRecord parent = s.byId.get(c.get().parentTrialId());
        String problem = null;
        Config config = null;
        if (parent == null || parent.checkpoint.isEmpty()) {
            problem = parent == null ? "its parent is not a trial of the study" : "its parent has no checkpoint";
        } else {
            try {
                config = s.spec.space().validate(c.get().config());
            } catch (RuntimeException e) {
                problem = "its configuration is invalid: " + e.getMessage();
            }
        }
        if (problem != null) {
            LOG.warning("study " + s.spec.name() + ": scheduler " + scheduler.label() + " proposed a clone " + c.get()
                    + " that is ignored: " + problem);
            pluginCalls.fallback(s, "scheduler", s.spec.scheduler().name());
            s.schedulerMemory.clear();
            return null;
        }
        TrialRecord t = lifecycle.newTrial(s, config, TrialState.WAITING,
                Map.of("source", "cloned", "cloned_from", Long.toString(parent.id)));
        double max = s.spec.fidelity() == null ? 0 : s.spec.fidelity().max();
        t.budget = c.get().budget() > 0 && c.get().budget() <= max ? c.get().budget() : Math.max(max, parent.budget);
        t.parentTrialId = parent.id;
        t.parentStep = parent.checkpointStep;
        t.checkpoint = parent.checkpoint;
        t.checkpointStep = parent.checkpointStep;
        t.decisions.add(new DecisionRecord(parent.checkpointStep, "CLONED", -1, "cloned from trial " + parent.id
                + " at step " + parent.checkpointStep + (c.get().reason().isEmpty() ? "" : ": " + c.get().reason()), 1,
                System.currentTimeMillis()));
        return t;
    }
}
