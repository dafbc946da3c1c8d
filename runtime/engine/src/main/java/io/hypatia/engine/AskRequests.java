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
    /**
     * Trial attribute holding the attempt that ask handed out, so a repeat of the ask is answered
     * that attempt even after the trial was handed out again (e.g. its lease expired before the
     * repeat came): the repeat's worker is then fenced, not given the new attempt's trial as well.
     */
    static final String ASK_REQUEST_ATTEMPT = "ask_request_attempt";

    private final Studies studies;

    AskRequests(Studies studies) {
        this.studies = studies;
    }

    /** A trial an ask handed out and the attempt it handed out (0: not recorded, by a store written before it was). */
    record Handed(long trialId, int attempt) {
    }

    /** The trials an ask with a request id handed out, and when that hand-out became durable. */
    record AskRecord(List<Handed> handed, CompletableFuture<Void> durable) {
    }

    /** Marks {@code t}, about to be handed out as its next attempt by the ask {@code askId}; durable with the hand-out. */
    static void mark(TrialRecord t, String askId) {
        t.attributes.put(ASK_REQUEST_ID, askId);
        t.attributes.put(ASK_REQUEST_ATTEMPT, Integer.toString(t.attempts + 1));
    }

    /** What the ask that last marked {@code t} handed out. */
    private static Handed handed(TrialRecord t) {
        String attempt = t.attributes.get(ASK_REQUEST_ATTEMPT);
        int a = 0;
        try {
            a = attempt == null ? 0 : Integer.parseInt(attempt);
        } catch (NumberFormatException e) {
            // not ours: answer the current attempt, as before the attribute existed
        }
        return new Handed(t.id, a);
    }

    /** The study's index of asks by request id, rebuilt from the trials' attributes when not held; hold the study. */
    static Map<String, AskRecord> of(StudyState s) {
        if (s.askRequests == null) {
            Map<String, List<Handed>> ids = new HashMap<>();
            for (TrialRecord t : s.trials) {
                String id = t.attributes.get(ASK_REQUEST_ID);
                if (id != null) {
                    ids.computeIfAbsent(id, k -> new ArrayList<>()).add(handed(t));
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
            of(s).put(askId, new AskRecord(out.stream().map(a -> new Handed(a.info().trial().id(), a.attempt())).toList(),
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
                if (known == null || known.handed().stream().noneMatch(h -> h.trialId() == t.id)) {
                    List<Handed> handed = new ArrayList<>(known == null ? List.of() : known.handed());
                    handed.add(handed(t));
                    s.askRequests.put(askId, new AskRecord(handed, CompletableFuture.completedFuture(null)));
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
            for (Handed h : earlier.handed()) {
                TrialRecord t = s.byId.get(h.trialId());
                if (t == null) {
                    continue;
                }
                if (h.attempt() > 0 && h.attempt() != t.attempts) {
                    // Handed out again since (the first attempt's lease expired, or it paused and was
                    // promoted): the repeat gets its own, superseded attempt, which the fence refuses;
                    // never the attempt another worker holds.
                    out.add(new Asked(t.info(s.spec.name()), false, h.attempt(), h.attempt() > 1 ? HandOut.REQUEUED : HandOut.NEW, "", 0));
                    continue;
                }
                boolean resume = t.attempts > 1 && t.checkpointStep >= 0;
                out.add(new Asked(t.info(s.spec.name()), resume, t.attempts, t.attempts > 1 ? HandOut.REQUEUED : HandOut.NEW,
                        resume ? t.checkpoint : "", resume ? t.checkpointStep : 0));
            }
            return out;
        });
    }
}
