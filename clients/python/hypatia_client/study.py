"""Studies and trials: ask, report, tell, the trial context manager, results and export."""
import csv
import enum
import json
import threading
import traceback
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Union

from ._proto import pb
from .client import Client, new_request_id
from .errors import FailedPrecondition, HypatiaError, TrialPruned
from .space import Decoder, space_to_python, to_value


class Decision(str, enum.Enum):
    """The scheduler's answer to a report. A str, so ``decision == "CONTINUE"`` works too."""
    CONTINUE = "CONTINUE"
    STOP = "STOP"    # the trial is now PRUNED: stop training it
    PAUSE = "PAUSE"  # the trial is now PAUSED: stop; keep its checkpoint, it may be promoted later

    def __str__(self) -> str:
        return self.value


_STATE = {pb.WAITING: "WAITING", pb.RUNNING: "RUNNING", pb.PAUSED: "PAUSED", pb.COMPLETE: "COMPLETE",
          pb.PRUNED: "PRUNED", pb.FAILED: "FAILED"}
_HAND_OUT = {pb.NEW: "NEW", pb.REQUEUED: "REQUEUED", pb.PROMOTED: "PROMOTED", pb.CLONED: "CLONED"}


@dataclass
class FrozenTrial:
    """A trial as the service recorded it (a snapshot; plain data)."""
    number: int
    id: int
    state: str  # WAITING, RUNNING, PAUSED, COMPLETE, PRUNED or FAILED
    params: Dict[str, Any]
    values: List[float]
    intermediate_values: Dict[float, float]  # the live learning curve (abandoned attempts' values left out)
    budget: float
    attempts: int
    worker: str
    fail_reason: str
    checkpoint: str
    checkpoint_step: float
    parent_trial_id: int
    constraints: List[float]
    attributes: Dict[str, str]
    decisions: List[Dict[str, Any]]
    created_at_ms: int
    finished_at_ms: int

    @property
    def value(self) -> Optional[float]:
        """The single objective value (None unless COMPLETE); for several objectives use ``values``."""
        if len(self.values) > 1:
            raise ValueError("this study has several objectives: use .values")
        return self.values[0] if self.values else None

    @property
    def duration_s(self) -> Optional[float]:
        return (self.finished_at_ms - self.created_at_ms) / 1000.0 if self.finished_at_ms else None

    def to_dict(self) -> Dict[str, Any]:
        """Plain dict (JSON-serialisable)."""
        d = asdict(self)
        d["intermediate_values"] = {str(k): v for k, v in self.intermediate_values.items()}
        return d

    @staticmethod
    def from_proto(t: "pb.Trial", decoder: Decoder) -> "FrozenTrial":
        latest: Dict[float, float] = {}
        for iv in t.intermediate_values:
            # A resumed attempt goes on after its checkpoint's step, a restarted one from the
            # start: values of an earlier attempt at or past this step were abandoned.
            for step in [s for s in latest if s >= iv.step]:
                del latest[step]
            latest[iv.step] = iv.value
        return FrozenTrial(
            number=t.number, id=t.id, state=_STATE.get(t.state, str(t.state)), params=decoder.config(t.config),
            values=list(t.values), intermediate_values=latest, budget=t.budget, attempts=t.attempts,
            worker=t.worker, fail_reason=t.fail_reason, checkpoint=t.checkpoint, checkpoint_step=t.checkpoint_step,
            parent_trial_id=t.parent_trial_id, constraints=list(t.constraints), attributes=dict(t.attributes),
            decisions=[{"step": d.step, "decision": d.decision, "rung": d.rung, "reason": d.reason,
                        "attempt": d.attempt, "at_ms": d.at_ms} for d in t.decisions],
            created_at_ms=t.created_at_ms, finished_at_ms=t.finished_at_ms)


class Trial:
    """A trial leased to this worker: its typed parameters, budget and resume information.

    Train it, call ``report`` after each step (obey the decision), and finish it with
    ``study.tell(trial, value)`` (or ``tell_pruned`` / ``tell_failed``).

    Attributes:
        params: the configuration, typed as the space declares (also ``config``).
        number, id: position in the study and service-wide id.
        budget: fidelity budget to train to (0 when the study has no fidelity).
        attempt: this hand-out's number; sent with every report, heartbeat and tell so a
            worker that lost its lease cannot overwrite the next worker's results.
        hand_out: why it was handed out: NEW, REQUEUED, PROMOTED or CLONED (PBT).
        resumed: True when the trial must be resumed from ``checkpoint`` at ``resume_step``.
        checkpoint: the checkpoint reference to load when ``resumed`` (as some worker reported it).
        resume_step: the step the checkpoint was saved at; report larger steps only.
        parent_trial_id: for a CLONED trial, the trial whose checkpoint it starts from.
    """

    def __init__(self, study: "Study", asked: "pb.AskedTrial"):
        t = asked.trial
        self.study = study
        self.id: int = t.id
        self.number: int = t.number
        self.params: Dict[str, Any] = study._decoder.config(t.config)
        self.budget: float = asked.budget or t.budget
        self.attempt: int = asked.attempt
        self.hand_out: str = _HAND_OUT.get(asked.hand_out, "NEW")
        self.resumed: bool = asked.resumed
        self.checkpoint: Optional[str] = asked.checkpoint if asked.resumed else None
        self.resume_step: float = asked.resume_step if asked.resumed else 0.0
        self.parent_trial_id: int = t.parent_trial_id
        self.attributes: Dict[str, str] = dict(t.attributes)
        self.last_decision: Optional[Decision] = None
        self.last_rung: int = -1
        self.last_reason: str = ""
        self._stop = threading.Event()
        self.finished = False  # told, or stopped/paused by the scheduler

    @property
    def config(self) -> Dict[str, Any]:
        return self.params

    @property
    def should_stop(self) -> bool:
        """True once the scheduler said STOP or PAUSE, or a heartbeat learned the trial is no
        longer running (pruned, requeued or failed meanwhile)."""
        return self._stop.is_set()

    def should_prune(self) -> bool:
        """Optuna's name for ``should_stop``."""
        return self.should_stop

    def report(self, step: float, value: float, checkpoint: Optional[str] = None) -> Decision:
        """Records an intermediate value and returns the scheduler's decision.

        Args:
            step: the step (epoch, iteration, budget used); strictly increasing.
            value: the metric at that step (finite).
            checkpoint: optional reference to the state saved at this step (a path or URI);
                the service hands it back when the trial is resumed (promotion, requeue, PBT).
        Returns:
            Decision.CONTINUE, Decision.STOP (the trial is PRUNED) or Decision.PAUSE (PAUSED).
        """
        req = pb.ReportRequest(study=self.study.name, trial_id=self.id, step=float(step), value=float(value),
                               attempt=self.attempt, checkpoint=checkpoint or "")
        r = self.study.client.call("Report", req)
        self.last_decision = Decision(pb.Decision.Name(r.decision))
        self.last_rung, self.last_reason = r.rung, r.reason
        if self.last_decision != Decision.CONTINUE:
            self._stop.set()
            self.finished = True
        return self.last_decision

    def heartbeat(self) -> bool:
        """Extends the lease; returns True (and sets ``should_stop``) when the worker should stop."""
        r = self.study.client.call("Heartbeat", pb.HeartbeatRequest(study=self.study.name, trial_id=self.id,
                                                                     attempt=self.attempt))
        if r.should_stop:
            self._stop.set()
        return r.should_stop

    def __repr__(self) -> str:
        return f"Trial(number={self.number}, params={self.params}, budget={self.budget}, attempt={self.attempt})"


class Study:
    """A study on the service. Get one from ``Client.create_study`` / ``Client.load_study``."""

    def __init__(self, client: Client, study: "pb.Study"):
        self.client = client
        self._proto = study
        self._decoder = Decoder(study.search_space)

    @property
    def name(self) -> str:
        return self._proto.name

    @property
    def directions(self) -> List[str]:
        return ["maximize" if o.direction == pb.MAXIMIZE else "minimize" for o in self._proto.objectives]

    @property
    def objective_names(self) -> List[str]:
        return [o.name for o in self._proto.objectives]

    @property
    def space(self) -> Dict[str, Any]:
        """The search space in plain-Python form."""
        return space_to_python(self._proto.search_space)

    @property
    def lease_seconds(self) -> int:
        return self._proto.lease_seconds or 300

    def summary(self, refresh: bool = True) -> Dict[str, Any]:
        """Name, objectives, plugins, fidelity and trial counts as a plain dict (fresh from the service
        unless ``refresh=False``)."""
        if refresh:
            self._proto = self.client.call("GetStudy", pb.GetStudyRequest(study=self.name)).study
        s = self._proto
        c = s.trial_counts
        return {"name": s.name, "id": s.id, "objectives": dict(zip(self.objective_names, self.directions)),
                "sampler": s.sampler.name, "sampler_config": dict(s.sampler.config),
                "scheduler": s.scheduler.name, "scheduler_config": dict(s.scheduler.config),
                "fidelity": (s.fidelity.name, s.fidelity.min, s.fidelity.max) if s.HasField("fidelity") else None,
                "lease_seconds": s.lease_seconds, "plugin_fallbacks": s.plugin_fallbacks,
                "trial_counts": {"waiting": c.waiting, "running": c.running, "paused": c.paused,
                                 "complete": c.complete, "pruned": c.pruned, "failed": c.failed},
                "created_at_ms": s.created_at_ms,
                "budget_raises": [(r.previous_max, r.max, r.first_trial_number) for r in s.budget_raises]}

    def update(self, *, max_budget: float) -> List["FrozenTrial"]:
        """Raises the study's max budget (its fidelity's max) while it runs (Iterative Deepening
        Hyperband). With asha or hyperband the rungs grow up to the new max, and the best trials
        already finished at the old max go back to PAUSED: later asks hand them out as PROMOTED,
        resumed from their checkpoints. Returns those continued trials. Raises InvalidArgument
        (field ``max_budget``) when the study has no fidelity or ``max_budget`` is not larger
        than the current max, NotFound for an unknown study."""
        r = self.client.call("UpdateStudy", pb.UpdateStudyRequest(study=self.name, max_budget=float(max_budget)))
        self._proto = r.study
        return [FrozenTrial.from_proto(t, self._decoder) for t in r.continued]

    # ------------------------------------------------------------------ the trainer's loop

    def ask(self) -> Trial:
        """Leases one trial: a queued one, a promoted paused one, or a new suggestion.

        The request carries a request id fixed before the first try, so a retried Ask (its answer
        lost to a dropped connection or a restarting service) gets the same trial instead of
        leaving one RUNNING that nobody holds."""
        r = self.client.call("Ask", pb.AskRequest(study=self.name, count=1, worker=self.client.worker,
                                                  request_id=new_request_id()))
        return Trial(self, r.trials[0])

    def tell(self, trial: Trial, values: Union[float, Sequence[float]], *,
             constraints: Sequence[float] = (), checkpoint: Optional[str] = None) -> FrozenTrial:
        """Finishes a trial as COMPLETE with one value (or one per objective); returns the recorded trial.

        Retried safely: the request id is fixed before the first try.
        """
        vals = [float(values)] if isinstance(values, (int, float)) else [float(v) for v in values]
        req = pb.TellRequest(complete=pb.TellRequest.Complete(values=vals, constraints=[float(c) for c in constraints]))
        return self._tell(trial, req, checkpoint)

    def tell_pruned(self, trial: Trial, reason: str = "pruned by the worker") -> FrozenTrial:
        """Finishes a trial as PRUNED (the worker stopped it early)."""
        return self._tell(trial, pb.TellRequest(pruned=pb.TellRequest.Pruned(reason=reason)), None)

    def tell_failed(self, trial: Trial, reason: str = "failed") -> FrozenTrial:
        """Finishes a trial as FAILED (it is not retried)."""
        return self._tell(trial, pb.TellRequest(failed=pb.TellRequest.Failed(reason=reason[:4000])), None)

    def _tell(self, trial: Trial, req: "pb.TellRequest", checkpoint: Optional[str]) -> FrozenTrial:
        req.study, req.trial_id, req.attempt = self.name, trial.id, trial.attempt
        req.request_id = new_request_id()
        req.checkpoint = checkpoint or ""
        told = self.client.call("Tell", req).trial
        trial.finished = True
        trial._stop.set()
        return FrozenTrial.from_proto(told, self._decoder)

    @contextmanager
    def trial(self, heartbeat_seconds: Optional[float] = None) -> Iterator[Trial]:
        """Asks for a trial and guards it::

            with study.trial() as trial:
                for epoch in range(1, 11):
                    if trial.report(epoch, train_one_epoch(trial.params)) != "CONTINUE":
                        break
                else:
                    study.tell(trial, evaluate())

        While the block runs, a background thread sends heartbeats (every third of the lease,
        or ``heartbeat_seconds``) so a long step does not lose the lease. If the block raises,
        the trial is told FAILED with the exception (``TrialPruned`` tells PRUNED) and the
        exception propagates; Ctrl-C (KeyboardInterrupt) also marks it FAILED instead of
        leaving it RUNNING until its lease expires. A block that ends without telling a trial
        the scheduler did not stop or pause marks it FAILED.
        """
        trial = self.ask()
        stop_beating = threading.Event()
        period = heartbeat_seconds or max(1.0, self.lease_seconds / 3.0)

        def beat():
            while not stop_beating.wait(period):
                try:
                    trial.heartbeat()
                except HypatiaError:
                    pass  # the next beat, report or tell says what happened

        beater = threading.Thread(target=beat, name=f"hypatia-heartbeat-{trial.number}", daemon=True)
        beater.start()
        try:
            yield trial
        except TrialPruned as e:
            if not trial.finished:
                self._finish_quietly(lambda: self.tell_pruned(trial, str(e) or "pruned by the worker"))
        except BaseException as e:
            if not trial.finished:
                reason = "".join(traceback.format_exception_only(type(e), e)).strip() or type(e).__name__
                self._finish_quietly(lambda: self.tell_failed(trial, reason))
            raise
        else:
            if not trial.finished:
                self._finish_quietly(lambda: self.tell_failed(trial, "the trial block ended without tell"))
        finally:
            stop_beating.set()
            beater.join()

    @staticmethod
    def _finish_quietly(tell) -> None:
        try:
            tell()
        except FailedPrecondition:
            pass  # already finished meanwhile (lease expired, or another attempt told it)

    def optimize(self, objective, n_trials: int, n_workers: int = 1, *, timeout: Optional[float] = None,
                 catch: Sequence[type] = (), show_progress: bool = True) -> int:
        """Runs ``objective(trial)`` for exactly ``n_trials`` trials across ``n_workers`` processes.

        The objective trains ``trial.params``, may call ``trial.report(step, value)`` and stop
        when the decision is not CONTINUE (or raise ``TrialPruned``), and returns the value (or
        a list, one per objective). Each trial is guarded like ``with study.trial()``: heartbeats,
        FAILED on an exception. Exceptions of the types in ``catch`` fail the trial and the loop
        goes on; others stop the run and are raised. With ``n_workers > 1`` the workers are new
        processes (spawned, not forked, so no gRPC channel crosses a fork); the objective must
        then be picklable (a module-level function) and the script guarded by
        ``if __name__ == "__main__":``. ``timeout`` (seconds) stops handing out new trials.

        Returns how many trials were run. A trial paused by the scheduler and later promoted
        counts again when it is handed out again (each hand-out is one run).
        """
        from .optimize import run
        return run(self, objective, n_trials, n_workers, timeout, tuple(catch), show_progress)

    # ------------------------------------------------------------------ results

    def enqueue_trial(self, params: Mapping[str, Any]) -> FrozenTrial:
        """Queues a fixed configuration (warm start); Ask hands it out before any sampled one."""
        req = pb.EnqueueTrialRequest(study=self.name,
                                     config=[pb.ParameterValue(name=k, value=to_value(v)) for k, v in params.items()])
        return FrozenTrial.from_proto(self.client.call("EnqueueTrial", req).trial, self._decoder)

    def get_trial(self, trial_id: int) -> FrozenTrial:
        t = self.client.call("GetTrial", pb.GetTrialRequest(study=self.name, trial_id=trial_id)).trial
        return FrozenTrial.from_proto(t, self._decoder)

    def get_trials(self, states: Optional[Sequence[str]] = None) -> List[FrozenTrial]:
        """The study's trials in creation order, optionally only those in ``states`` (e.g. ["COMPLETE"])."""
        req = pb.ListTrialsRequest(study=self.name, states=[pb.TrialState.Value(s.upper()) for s in states or ()])
        return [FrozenTrial.from_proto(t, self._decoder) for t in self.client.pages("ListTrials", req, "trials")]

    @property
    def trials(self) -> List[FrozenTrial]:
        return self.get_trials()

    @property
    def best_trials(self) -> List[FrozenTrial]:
        """The best COMPLETE trial (one objective) or the Pareto set (several); empty before any completes."""
        r = self.client.call("GetBestTrials", pb.GetBestTrialsRequest(study=self.name))
        return [FrozenTrial.from_proto(t, self._decoder) for t in r.trials]

    @property
    def best_trial(self) -> FrozenTrial:
        """The best COMPLETE trial of a single-objective study; ValueError if none has completed."""
        if len(self._proto.objectives) > 1:
            raise ValueError("this study has several objectives: use best_trials (the Pareto set)")
        best = self.best_trials
        if not best:
            raise ValueError(f"study {self.name!r} has no COMPLETE trial yet")
        return best[0]

    @property
    def best_value(self) -> float:
        return self.best_trial.values[0]

    @property
    def best_params(self) -> Dict[str, Any]:
        return self.best_trial.params

    def trials_dicts(self) -> List[Dict[str, Any]]:
        """Every trial as a flat dict: number, state, values, params_<name>, ... (for pandas or CSV)."""
        rows = []
        for t in self.trials:
            row: Dict[str, Any] = {"number": t.number, "id": t.id, "state": t.state}
            names = self.objective_names
            for i, name in enumerate(names):
                row[f"value_{name}" if len(names) > 1 else "value"] = t.values[i] if t.values else None
            for k, v in t.params.items():
                row[f"params_{k}"] = v
            last = max(t.intermediate_values) if t.intermediate_values else None
            row.update(last_step=last, last_intermediate=t.intermediate_values.get(last) if last is not None else None,
                       budget=t.budget, attempts=t.attempts, worker=t.worker, duration_s=t.duration_s,
                       fail_reason=t.fail_reason, checkpoint=t.checkpoint)
            rows.append(row)
        return rows

    def export_csv(self, path: str) -> int:
        """Writes ``trials_dicts()`` to a CSV file; returns the number of rows."""
        rows = self.trials_dicts()
        columns: List[str] = []
        for r in rows:
            columns.extend(k for k in r if k not in columns)
        with open(path, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=columns)
            w.writeheader()
            w.writerows(rows)
        return len(rows)

    def export_json(self, path: str) -> int:
        """Writes every trial (``FrozenTrial.to_dict``) to a JSON file; returns the number of trials."""
        trials = [t.to_dict() for t in self.trials]
        with open(path, "w") as f:
            json.dump(trials, f, indent=1)
        return len(trials)

    def __repr__(self) -> str:
        return f"Study({self.name!r}, directions={self.directions})"
