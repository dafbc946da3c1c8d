"""Study.optimize: run an objective for exactly n trials in one or several worker processes."""
import multiprocessing as mp
import os
import pickle
import signal
import sys
import threading
import time
import traceback
from typing import Any, Callable, Optional, Tuple


class Terminated(BaseException):
    """SIGTERM reached the process running study.optimize: the trials in progress are told FAILED, then it ends."""


def _raise_terminated(signum, frame):
    raise Terminated("SIGTERM")


def _watch_parent(parent_pid: int) -> None:
    """In a worker: if the parent dies without stopping it (SIGKILL, a crash), end the trial in
    progress as Ctrl-C would (told FAILED at once, not left RUNNING until its lease expires)."""
    while os.getppid() == parent_pid:
        time.sleep(1.0)
    os.kill(os.getpid(), signal.SIGINT)  # a real signal: it also wakes a main thread blocked in sleep or wait


def _one_trial(study, objective: Callable, catch: Tuple[type, ...]) -> Tuple[int, str, Any]:
    """Runs one guarded trial; returns (number, final state, value or reason)."""
    trial = None
    try:
        with study.trial() as trial:
            result = objective(trial)
            if not trial.finished:
                if result is None:
                    raise TypeError("the objective returned None; return the value (or raise TrialPruned)")
                told = study.tell(trial, result)
                return trial.number, told.state, told.values
        # stopped or paused by the scheduler, or TrialPruned raised (study.trial() recorded it)
    except catch as e:  # already told FAILED by study.trial()
        return trial.number if trial else -1, "FAILED", f"{type(e).__name__}: {e}"
    if trial.last_decision in ("STOP", "PAUSE"):
        return trial.number, "PRUNED" if trial.last_decision == "STOP" else "PAUSED", trial.last_reason
    return trial.number, "PRUNED", "pruned by the objective"


def _worker(client, study_name: str, objective: Callable, n_trials: int, claimed, stop, deadline: Optional[float],
            catch, results, parent_pid: int) -> None:
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="hypatia-parent-watch", daemon=True).start()
    try:
        study = client.load_study(study_name)  # this process's own channel
        while True:
            if stop.value or (deadline is not None and time.time() >= deadline):
                return
            with claimed.get_lock():
                if claimed.value >= n_trials:
                    return
                claimed.value += 1
            results.put(("trial", _one_trial(study, objective, catch)))
    except BaseException:  # noqa: B902 - reported to the parent, which raises it
        stop.value = 1
        results.put(("error", traceback.format_exc()))
    finally:
        results.put(("done", None))


class _Progress:
    def __init__(self, study, n_trials: int, show: bool):
        self.n, self.show, self.done = n_trials, show, 0
        self.maximize = study.directions[0] == "maximize"
        self.best = None

    def add(self, outcome) -> None:
        number, state, info = outcome
        self.done += 1
        if state == "COMPLETE" and len(info) == 1:
            v = info[0]
            if self.best is None or (v > self.best if self.maximize else v < self.best):
                self.best = v
        if self.show:
            shown = f"value {info[0]:.6g}" if state == "COMPLETE" and len(info) == 1 else (
                f"values {info}" if state == "COMPLETE" else str(info)[:80])
            best = f", best {self.best:.6g}" if self.best is not None else ""
            print(f"[{self.done}/{self.n}] trial {number} {state}: {shown}{best}", file=sys.stderr, flush=True)


def run(study, objective: Callable, n_trials: int, n_workers: int, timeout: Optional[float],
        catch: Tuple[type, ...], show_progress: bool) -> int:
    if n_trials < 1 or n_workers < 1:
        raise ValueError("n_trials and n_workers must be >= 1")
    # SIGTERM (a batch system ending the job, `kill`) would end this process at once and leave
    # the running trials, and the worker processes, behind. Unless the program handles SIGTERM
    # itself, it becomes an exception here: the trials in progress are told FAILED, the workers
    # end, and then the process is terminated by SIGTERM as it would have been.
    own_handler = (threading.current_thread() is threading.main_thread()
                   and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL)
    if own_handler:
        signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        return _run(study, objective, n_trials, n_workers, timeout, catch, show_progress)
    except Terminated:
        if not own_handler:
            raise
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        raise  # not reached unless SIGTERM is blocked
    finally:
        if own_handler:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run(study, objective: Callable, n_trials: int, n_workers: int, timeout: Optional[float],
         catch: Tuple[type, ...], show_progress: bool) -> int:
    deadline = time.time() + timeout if timeout else None
    progress = _Progress(study, n_trials, show_progress)
    if n_workers == 1:
        for _ in range(n_trials):
            if deadline is not None and time.time() >= deadline:
                break
            progress.add(_one_trial(study, objective, catch))
        return progress.done
    try:
        pickle.dumps(objective)
    except Exception as e:
        raise TypeError("with n_workers > 1 the objective runs in new processes and must be picklable "
                        f"(a module-level function, not a lambda or closure): {e}") from None
    ctx = mp.get_context("spawn")  # never fork: a gRPC channel must not cross a fork
    claimed, stop, results = ctx.Value("i", 0), ctx.Value("i", 0), ctx.Queue()
    procs = [ctx.Process(target=_worker, name=f"hypatia-worker-{i}", daemon=True,
                         args=(study.client, study.name, objective, n_trials, claimed, stop, deadline, catch, results,
                               os.getpid()))
             for i in range(min(n_workers, n_trials))]
    for p in procs:
        p.start()
    running, error = len(procs), None
    try:
        while running:
            kind, payload = results.get()
            if kind == "trial":
                progress.add(payload)
            elif kind == "error":
                error = error or payload
            else:
                running -= 1
    except (KeyboardInterrupt, Terminated) as e:
        # Ctrl-C reaches the workers too (same process group); SIGTERM reached this process only,
        # so it is passed on to them as Ctrl-C. Their study.trial() tells the running trials FAILED
        # on the way out. Each needs at most one call for that (the client's call timeout; a
        # fixed 10 s was too short on a loaded machine: a worker ended before its tell had
        # landed left its trial RUNNING), then what is left is ended.
        stop.value = 1
        if isinstance(e, Terminated):
            for p in procs:
                if p.is_alive():
                    os.kill(p.pid, signal.SIGINT)
        grace_ends = time.monotonic() + study.client.timeout + 5.0
        for p in procs:
            p.join(max(0.0, grace_ends - time.monotonic()))
            if p.is_alive():
                p.terminate()
        raise
    finally:
        for p in procs:
            p.join()
    if error:
        raise RuntimeError(f"a worker process failed:\n{error}")
    return progress.done
