package io.hypatia.engine;

import io.hypatia.engine.StudyEngine.Asked;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Idempotent asks: the trials each ask with a client request id handed out, so a retry is
 * answered the same trials (in their current state) instead of new ones. The index lives in the
 * study's cache ({@link StudyState#askRequests}); the store keeps the id as a trial attribute, so
 * the index is rebuilt after a restart and learns what other gateways handed out on refresh.
 */
final class AskRequests {
    /** Trial attribute holding the request id of the ask that last handed the trial out. */
    static final String ASK_REQUEST_ID = "ask_request_id";

    private final Studies studies;

    AskRequests(Studies studies) {
        this.studies = studies;
    }

    /** The trials an ask with a request id handed out, and when that hand-out became durable. */
    record AskRecord(List<Long> trialIds, CompletableFuture<Void> durable) {
    }

    /** The study's index of asks by request id, rebuilt from the trials' attributes when not held; hold the study. */
    static Map<String, AskRecord> of(StudyState s) {
        if (s.askRequests == null) {
            Map<String, List<Long>> ids = new HashMap<>();
            for (TrialRecord t : s.trials) {
                String id = t.attributes.get(ASK_REQUEST_ID);
                if (id != null) {
                    ids.computeIfAbsent(id, k -> new ArrayList<>()).add(t.id);
                }
            }
            s.askRequests = new HashMap<>();
            ids.forEach((id, trials) -> s.askRequests.put(id, new AskRecord(trials, CompletableFuture.completedFuture(null))));
        }
        return s.askRequests;
    }

    /**
     * With a shared store: whether another gateway handed out trials for this request id while
     * this one had not yet handed out any (then this ask answers as that one did).
     */
    boolean answeredElsewhere(StudyState s, String askId, List<Asked> out) {
        return studies.shared() != null && !askId.isEmpty() && out.isEmpty() && of(s).containsKey(askId);
    }

    /** Records what the ask {@code askId} handed out (the cache only: the trials carry the id in the store). */
    static void remember(StudyState s, String askId, List<Asked> out, List<CompletableFuture<Void>> saves) {
        synchronized (s) {
            of(s).put(askId, new AskRecord(out.stream().map(a -> a.info().trial().id()).toList(),
                    CompletableFuture.allOf(saves.toArray(CompletableFuture[]::new))));
        }
    }

    /** Adds trials read back from a shared store (changed by other gateways) to an index already held. */
    static void learn(StudyState s, Collection<TrialRecord> changed) {
        if (s.askRequests == null) {
            return; // rebuilt from the trials when next needed
        }
        for (TrialRecord t : changed) {
            String askId = t.attributes.get(ASK_REQUEST_ID);
            if (askId != null) {
                AskRecord known = s.askRequests.get(askId);
                if (known == null || !known.trialIds().contains(t.id)) {
                    List<Long> ids = new ArrayList<>(known == null ? List.of() : known.trialIds());
                    ids.add(t.id);
                    s.askRequests.put(askId, new AskRecord(ids, CompletableFuture.completedFuture(null)));
                }
            }
        }
    }

    /** The answer to an earlier ask with {@code askId} (trials in their current state), or null if there was none. */
    List<Asked> replay(StudyState s, String askId) {
        AskRecord earlier = studies.guard().call(s, () -> {
            TrialLifecycle.requireLive(s);
            return of(s).get(askId);
        });
        if (earlier == null) {
            return null;
        }
        TrialLifecycle.await(earlier.durable());
        return studies.guard().call(s, () -> {
            List<Asked> out = new ArrayList<>();
            for (long id : earlier.trialIds()) {
                TrialRecord t = s.byId.get(id);
                if (t != null) {
                    boolean resume = t.attempts > 1 && t.checkpointStep >= 0;
                    out.add(new Asked(t.info(s.spec.name()), resume, t.attempts, t.attempts > 1 ? HandOut.REQUEUED : HandOut.NEW,
                            resume ? t.checkpoint : "", resume ? t.checkpointStep : 0));
                }
            }
            return out;
        });
    }
}
