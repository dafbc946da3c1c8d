package io.hypatia.engine;

import io.hypatia.api.scheduler.SchedulerMemory;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.TrialList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A study's trials in memory: loaded from the store on first use and dropped again when the study
 * has been idle a while (see {@link StudyState#trials()}). Everything here can be rebuilt from the
 * store. Guarded by the owning study's lock.
 */
final class StudyTrials {
    /** In creation order: index = trial number. */
    final List<TrialRecord> list = new ArrayList<>();
    final Map<Long, TrialRecord> byId = new HashMap<>();
    final History history;
    /** The scheduler's incremental per-study state (a cache; emptied whenever it may be stale). */
    final SchedulerMemory schedulerMemory = new SchedulerMemory();
    /**
     * Asks by client request id (see AskPath): the trials each handed out and when that became
     * durable. Null until first needed, then rebuilt from the trials' ask_request_id attributes.
     */
    Map<String, AskPath.AskRecord> askRequests;

    StudyTrials(List<Objective> objectives) {
        this.history = new History(objectives);
    }

    void add(TrialRecord t) {
        list.add(t);
        byId.put(t.id, t);
        history.add(t);
        t.history = history;
    }

    /** The trials as plugins see them. */
    TrialList snapshots() {
        return history.trials();
    }
}
