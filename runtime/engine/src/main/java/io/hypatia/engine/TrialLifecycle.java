package io.hypatia.engine;

import io.hypatia.api.space.Config;
import io.hypatia.api.space.InvalidSpaceException;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.StudyEngine.Outcome;
import io.hypatia.engine.store.Store;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Logger;

/**
 * The trial state machine outside the two hot paths: creating trials, enqueueing, telling
 * outcomes, heartbeats and reads. Every change is queued to the store under the study's lock
 * (so the store sees changes in the engine's order) and awaited after releasing it.
 */
final class TrialLifecycle {
    private static final Logger LOG = Logger.getLogger(TrialLifecycle.class.getName());
    private final Store store;
    private final Studies studies;
    final TrainingTime trainingTime = new TrainingTime();
    private volatile EngineListener listener = EngineListener.NONE;

    TrialLifecycle(Store store, Studies studies) {
        this.store = store;
        this.studies = studies;
    }

    void setListener(EngineListener listener) {
        this.listener = listener;
    }

    /** Appends a trial; callers hold the study's ask lock and lock, so numbers are dense. */
    TrialRecord newTrial(StudyState s, Config config, TrialState state, Map<String, String> attributes) {
        TrialRecord t = new TrialRecord(studies.allocateTrialId(), s.trials.size(), config, state, System.currentTimeMillis());
        t.attributes.putAll(attributes);
        t.budget = s.spec.fidelity() == null ? 0 : s.spec.fidelity().max();
        s.add(t);
        return t;
    }

    /** Queues a fixed configuration (warm start); it is handed out before any sampled one. */
    TrialInfo enqueue(String studyName, Config config) {
        StudyState s = studies.require(studyName);
        Config valid;
        try {
            valid = s.spec.space().validate(config);
        } catch (InvalidSpaceException e) {
            throw EngineException.invalid(e.field(), e.getMessage().substring(e.field().length() + 2));
        }
        Saved<TrialInfo> done;
        synchronized (s.askLock) {
            done = studies.guard().call(s, () -> {
                requireLive(s);
                TrialRecord t = newTrial(s, valid, TrialState.WAITING, Map.of("source", "enqueued"));
                return new Saved<>(save(s, t), t.info(s.spec.name()));
            });
        }
        return done.await();
    }

    /** Finishes a trial. A repeat with the same non-empty request id is answered as the first was. */
    TrialInfo tell(String studyName, long trialId, Outcome outcome, String requestId, int attempt, String checkpoint) {
        String ckpt = ReportPath.checkCheckpoint(checkpoint);
        String rid = requestId(requestId);
        StudyState s = studies.require(studyName);
        if (outcome.state() != TrialState.COMPLETE && outcome.state() != TrialState.FAILED && outcome.state() != TrialState.PRUNED) {
            throw EngineException.invalid("state", "a trial can be told COMPLETE, FAILED or PRUNED, not " + outcome.state());
        }
        long start = System.nanoTime();
        Saved<TrialInfo> saved = studies.guard().call(s, () -> {
            TrialRecord t = requireTrial(s, trialId);
            if (t.state.isFinished()) {
                if (!rid.isEmpty() && rid.equals(t.tellRequestId)) {
                    return new Saved<>(null, t.info(s.spec.name()));
                }
                throw EngineException.precondition("trial_id", "trial " + trialId + " is already " + t.state
                        + (t.tellRequestId.isEmpty() ? "" : " (told with request id '" + t.tellRequestId + "')"));
            }
            if (t.attempts == 0) {
                throw EngineException.precondition("trial_id", "trial " + trialId + " is WAITING and was never handed out; ask for it first");
            }
            fence(t, attempt, "tell");
            // A trial requeued after its lease expired may still be told by its late worker: the result is real.
            if (outcome.state() == TrialState.COMPLETE) {
                checkValues(s, outcome);
            } else if (!outcome.values().isEmpty() || !outcome.constraints().isEmpty()) {
                throw EngineException.invalid("values", "must be empty when the trial is told " + outcome.state());
            }
            trainingTime.reported(t);
            TrainingTime.stopped(t);
            t.state = outcome.state();
            t.values = outcome.state() == TrialState.COMPLETE ? outcome.values() : List.of();
            t.constraints = outcome.constraints();
            t.failReason = outcome.reason();
            t.finishedAt = System.currentTimeMillis();
            t.leaseExpiresAt = 0;
            t.tellRequestId = rid;
            if (!ckpt.isEmpty()) {
                t.checkpoint = ckpt;
                IntermediateValue last = t.lastIntermediate();
                t.checkpointStep = last == null ? Math.max(0, t.budget) : Math.max(last.step(), t.budget);
            }
            t.changed();
            return new Saved<>(save(s, t), t.info(s.spec.name()));
        });
        long unlocked = System.nanoTime();
        TrialInfo told = saved.await();
        listener.tellTimes(unlocked - start, System.nanoTime() - unlocked);
        return told;
    }

    /** A result computed under the study's guard and the change it waits for (null: nothing changed). */
    record Saved<T>(CompletableFuture<Void> change, T result) {
        T await() {
            if (change != null) {
                TrialLifecycle.await(change);
            }
            return result;
        }
    }

    static final int MAX_REQUEST_ID_LENGTH = 128;

    /** A client's idempotency key ("" when none), refused when longer than the limit. */
    static String requestId(String requestId) {
        String id = requestId == null ? "" : requestId;
        if (id.length() > MAX_REQUEST_ID_LENGTH) {
            throw EngineException.invalid("request_id", "must be at most " + MAX_REQUEST_ID_LENGTH + " characters");
        }
        return id;
    }

    /**
     * Refuses a call from an attempt that is no longer current (its worker was replaced after a
     * lost lease, or the trial was resumed elsewhere). {@code attempt} 0 skips the check.
     */
    static void fence(TrialRecord t, int attempt, String what) {
        if (attempt < 0) {
            throw EngineException.invalid("attempt", "must be >= 0, got " + attempt);
        }
        if (attempt != 0 && attempt != t.attempts) {
            String why = "attempt " + attempt + " of trial " + t.id
                    + " is no longer current (trial is at attempt " + t.attempts + ", " + t.state
                    + (t.worker.isEmpty() ? "" : ", last handed to worker '" + t.worker + "'") + "); this " + what + " is refused";
            // Rare (a worker that lost its trial), and the service's only trace of it: logged.
            LOG.info(why);
            throw EngineException.precondition("attempt", why);
        }
    }

    private static void checkValues(StudyState s, Outcome outcome) {
        int expected = s.spec.objectives().size();
        if (outcome.values().size() != expected) {
            throw EngineException.invalid("values", "expected " + expected + " value(s), one per objective "
                    + s.spec.objectives().stream().map(Objective::name).toList() + ", got " + outcome.values().size());
        }
        for (int i = 0; i < expected; i++) {
            double v = outcome.values().get(i);
            if (!Double.isFinite(v)) {
                throw EngineException.invalid("values[" + i + "]", "is " + v
                        + "; only finite values are accepted (tell the trial FAILED instead)");
            }
        }
        for (int i = 0; i < outcome.constraints().size(); i++) {
            if (!Double.isFinite(outcome.constraints().get(i))) {
                throw EngineException.invalid("constraints[" + i + "]", "is " + outcome.constraints().get(i)
                        + "; constraint values must be finite (<= 0 means satisfied)");
            }
        }
    }

    /** Extends a RUNNING trial's lease; returns the trial so a worker learns if it was stopped meanwhile. */
    TrialInfo heartbeat(String studyName, long trialId, int attempt) {
        if (attempt < 0) {
            throw EngineException.invalid("attempt", "must be >= 0, got " + attempt);
        }
        StudyState s = studies.require(studyName);
        return studies.guard().call(s, () -> {
            TrialRecord t = requireTrial(s, trialId);
            CompletableFuture<Void> saved = null;
            if (t.state == TrialState.RUNNING && (attempt == 0 || attempt == t.attempts)) {
                t.leaseExpiresAt = System.currentTimeMillis() + s.spec.leaseMillis();
                t.changed();
                saved = save(s, t);
            }
            return new Saved<>(saved, t.info(s.spec.name()));
        }).await();
    }

    TrialInfo get(String studyName, long trialId) {
        StudyState s = studies.require(studyName);
        return studies.guard().call(s, () -> requireTrial(s, trialId).info(s.spec.name()));
    }

    /** Trials in creation order, optionally only those in {@code states}. */
    List<TrialInfo> list(String studyName, Set<TrialState> states) {
        StudyState s = studies.require(studyName);
        return studies.guard().call(s, () -> {
            requireLive(s);
            return s.trials.stream().filter(t -> states == null || states.isEmpty() || states.contains(t.state))
                    .map(t -> t.info(s.spec.name())).toList();
        });
    }

    /**
     * One page of trials in creation order: at most {@code limit} with an id above {@code afterId},
     * optionally only those in {@code states}. Trial ids grow with trial numbers within a study, so
     * the page starts at a binary search and costs the trials it scans, not the study.
     */
    List<TrialInfo> page(String studyName, Set<TrialState> states, long afterId, int limit) {
        StudyState s = studies.require(studyName);
        return studies.guard().call(s, () -> {
            requireLive(s);
            List<TrialRecord> all = s.trials;
            int lo = 0, hi = all.size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (all.get(mid).id <= afterId) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            List<TrialInfo> out = new java.util.ArrayList<>(Math.min(limit, all.size() - lo));
            for (int i = lo; i < all.size() && out.size() < limit; i++) {
                TrialRecord t = all.get(i);
                if (states == null || states.isEmpty() || states.contains(t.state)) {
                    out.add(t.info(s.spec.name()));
                }
            }
            return out;
        });
    }

    /** The best feasible COMPLETE trial, or for several objectives every non-dominated feasible one. */
    List<TrialInfo> best(String studyName) {
        StudyState s = studies.require(studyName);
        return studies.guard().call(s, () -> {
            requireLive(s);
            return s.history.best().stream().map(t -> t.info(s.spec.name())).toList();
        });
    }

    static void requireLive(StudyState s) {
        if (s.deleted) {
            throw EngineException.notFound("study", "study '" + s.spec.name() + "' was deleted");
        }
    }

    /** The study's trial {@code trialId}; NOT_FOUND when it has none or the study was deleted. Hold the study's lock. */
    TrialRecord requireTrial(StudyState s, long trialId) {
        requireLive(s);
        TrialRecord t = s.byId.get(trialId);
        if (t == null) {
            // Whether it exists in another study is not said: that study may belong to another tenant.
            throw EngineException.notFound("trial_id", "no trial " + trialId + " in study '" + s.spec.name() + "'");
        }
        return t;
    }

    /** Queues the trial's row; call under the study's guard, await after releasing it. */
    CompletableFuture<Void> save(StudyState s, TrialRecord t) {
        return store.submit(TrialRow.of(s.id, t));
    }

    /** Queues any other change to the store (in order with the trial rows). */
    CompletableFuture<Void> submit(Store.Write write) {
        return store.submit(write);
    }

    static void await(CompletableFuture<Void> saved) {
        try {
            saved.join();
        } catch (CompletionException e) {
            throw new EngineException(EngineException.Code.UNAVAILABLE, null, "the store could not save the change: " + e.getCause());
        }
    }
}
