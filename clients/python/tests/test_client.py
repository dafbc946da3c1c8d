"""Tests of the Python client against a running service (HYPATIA_TARGET=host:port).

Run with the installed client (see clients/python/README.md):
    HYPATIA_TARGET=127.0.0.1:50051 .venv/bin/python -m unittest discover -s clients/python/tests -v
"""
import csv
import math
import os
import pickle
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import unittest
import uuid

import grpc

import hypatia_client as hp
from hypatia_client._proto import pb

TARGET = os.environ.get("HYPATIA_TARGET", "127.0.0.1:50051")


def name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def branin(x1, x2):
    return (x2 - 5.1 / (4 * math.pi ** 2) * x1 ** 2 + 5 / math.pi * x1 - 6) ** 2 \
        + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10


def branin_objective(trial):  # module level: picklable for worker processes
    return branin(trial.params["x1"], trial.params["x2"])


class ClientTest(unittest.TestCase):
    def setUp(self):
        self.client = hp.Client(TARGET)

    def tearDown(self):
        self.client.close()

    def test_ask_tell_loop_finds_the_best_trial(self):
        study = self.client.create_study(name("py-branin"), {"x1": hp.Float(-5, 10), "x2": hp.Float(0, 15)},
                                         sampler_config={"seed": 1})
        self.assertEqual([], study.best_trials)  # nothing completed yet: empty, not an IndexError
        with self.assertRaises(ValueError):
            study.best_trial
        told = {}
        for _ in range(30):
            t = study.ask()
            y = branin(t.params["x1"], t.params["x2"])
            frozen = study.tell(t, y)  # a scalar
            self.assertEqual("COMPLETE", frozen.state)
            self.assertEqual([y], frozen.values)
            told[t.number] = y
        self.assertEqual(min(told, key=told.get), study.best_trial.number)
        self.assertEqual(min(told.values()), study.best_value)

    def test_params_come_back_with_the_declared_types(self):
        study = self.client.create_study(name("py-types"), {
            "flag": [True, False],
            "opt": ["sgd", "adam"],
            "momentum": hp.Float(0.0, 0.99, when=("opt", ["sgd"])),
            "units": hp.Int(16, 256, step=16),
            "depth": hp.Ordinal([1, 2, 4]),
            "ratio": hp.Categorical([0.5, 1.0]),
        })
        seen_flags = set()
        for _ in range(25):
            t = study.ask()
            p = t.params
            self.assertIsInstance(p["flag"], bool)
            seen_flags.add(p["flag"])
            self.assertIn(p["opt"], ("sgd", "adam"))
            self.assertEqual("momentum" in p, p["opt"] == "sgd")
            if "momentum" in p:
                self.assertIsInstance(p["momentum"], float)
            self.assertIsInstance(p["units"], int)
            self.assertEqual(0, (p["units"] - 16) % 16)
            self.assertIn(p["depth"], (1, 2, 4))
            self.assertIsInstance(p["depth"], int)
            self.assertIsInstance(p["ratio"], float)
            study.tell(t, 1.0)
        self.assertEqual({True, False}, seen_flags)
        self.assertEqual([True, False], study.space["flag"].choices)
        self.assertEqual(("opt", ["sgd"]), study.space["momentum"].when)

    def test_directions_and_objectives_accept_short_names(self):
        s1 = self.client.create_study(name("py-dir"), {"x": hp.Float(0, 1)}, direction="max")
        self.assertEqual(["maximize"], s1.directions)
        s2 = self.client.create_study(name("py-obj"), {"x": hp.Float(0, 1)}, objectives=[("loss", "min"), ("acc", "max")])
        self.assertEqual(["minimize", "maximize"], s2.directions)
        self.assertEqual(["loss", "acc"], s2.objective_names)
        s3 = self.client.create_study(name("py-dirs"), {"x": hp.Float(0, 1)}, directions=["minimize", "maximize"])
        t = s3.ask()
        self.assertEqual([0.1, 0.9], s3.tell(t, [0.1, 0.9]).values)
        self.assertEqual(1, len(s3.best_trials))
        with self.assertRaises(ValueError):
            self.client.create_study(name("py-bad-dir"), {"x": hp.Float(0, 1)}, direction="up")

    def test_load_if_exists_joins_the_study_and_get_list_delete(self):
        n = name("py-load")
        space = {"x": hp.Float(0, 1)}
        first = self.client.create_study(n, space, sampler="random", sampler_config={"seed": 7})
        with self.assertRaises(hp.AlreadyExists) as e:
            self.client.create_study(n, space)
        self.assertEqual(grpc.StatusCode.ALREADY_EXISTS, e.exception.code)
        again = self.client.create_study(n, space, load_if_exists=True)
        self.assertEqual(first.name, again.name)
        study = self.client.load_study(n)
        study.tell(study.ask(), 0.5)
        info = self.client.get_study(n)
        self.assertEqual(1, info["trial_counts"]["complete"])
        self.assertEqual("7", info["sampler_config"]["seed"])
        self.assertIn(n, [s["name"] for s in self.client.list_studies()])
        self.client.delete_study(n)
        with self.assertRaises(hp.NotFound):
            self.client.load_study(n)

    def test_bad_requests_raise_errors_naming_the_field(self):
        with self.assertRaises(hp.InvalidArgument) as e:
            self.client.create_study(name("py-bad"), {"lr": hp.Float(1.0, 0.1)})
        self.assertEqual(grpc.StatusCode.INVALID_ARGUMENT, e.exception.code)
        self.assertEqual("search_space.params[0].float.low", e.exception.field)
        study = self.client.create_study(name("py-nan"), {"x": hp.Float(0, 1)})
        t = study.ask()
        with self.assertRaises(hp.InvalidArgument) as e:
            study.tell(t, float("nan"))
        self.assertEqual("complete.values[0]", e.exception.field)
        with self.assertRaises(hp.NotFound) as e:
            self.client.load_study(name("py-missing"))
        self.assertEqual("study", e.exception.field)

    def test_transport_errors_carry_no_field_and_are_retried(self):
        port = _free_port()
        dead = hp.Client(f"127.0.0.1:{port}", retries=2, timeout=5)
        with self.assertRaises(hp.Unavailable) as e:
            dead.list_studies()
        self.assertEqual(grpc.StatusCode.UNAVAILABLE, e.exception.code)
        self.assertIsNone(e.exception.field)
        self.assertEqual("ListStudies", e.exception.method)

    def test_tell_pruned_failed_and_finished_trials(self):
        study = self.client.create_study(name("py-outcomes"), {"x": hp.Float(0, 1)})
        pruned = study.tell_pruned(study.ask(), "diverged")
        self.assertEqual(("PRUNED", "diverged"), (pruned.state, pruned.fail_reason))
        failed = study.tell_failed(study.ask(), "CUDA out of memory")
        self.assertEqual("FAILED", failed.state)
        t = study.ask()
        study.tell(t, 0.3)
        with self.assertRaises(hp.FailedPrecondition) as e:
            study.tell(t, 0.3)  # a new tell (new request id) of a finished trial
        self.assertEqual(grpc.StatusCode.FAILED_PRECONDITION, e.exception.code)
        self.assertEqual(["COMPLETE"], [x.state for x in study.get_trials(["COMPLETE"])])

    def test_a_retried_tell_is_applied_once(self):
        study = self.client.create_study(name("py-idem"), {"x": hp.Float(0, 1)})
        t = study.ask()
        req = pb.TellRequest(study=study.name, trial_id=t.id, request_id="same", attempt=t.attempt,
                             complete=pb.TellRequest.Complete(values=[0.5]))
        first = self.client.call("Tell", req)
        again = self.client.call("Tell", req)  # what a retry after a lost answer sends
        self.assertEqual(first.trial, again.trial)

    def test_a_retried_ask_gets_the_same_trial(self):
        client = hp.Client(TARGET, retries=2)
        study = client.create_study(name("py-ask-idem"), {"x": hp.Float(0, 1)})
        real = client._service()

        class LostAnswer(grpc.RpcError):
            def code(self):
                return grpc.StatusCode.UNAVAILABLE

            def details(self):
                return "the answer was lost (test)"

        class FirstAnswerLost:  # the service leases a trial, but its first answer never arrives
            lost = 0

            def __getattr__(self, method):
                return getattr(real, method)

            def Ask(self, request, **kwargs):  # noqa: N802 - the stub's method name
                answer = real.Ask(request, **kwargs)
                if not self.lost:
                    self.lost += 1
                    raise LostAnswer()
                return answer

        stub = FirstAnswerLost()
        client._service = lambda: stub
        trial = study.ask()  # retried by the client with the same request id
        self.assertEqual(1, stub.lost)
        self.assertEqual([(trial.id, "RUNNING")], [(t.id, t.state) for t in study.trials])

    def test_report_sends_checkpoints_and_returns_decisions(self):
        study = self.client.create_study(name("py-report"), {"x": hp.Float(0, 1)}, direction="minimize",
                                         scheduler="median", scheduler_config={"min_completed": 2, "warmup_steps": 0},
                                         fidelity=("epochs", 1, 5))
        for good in (0.1, 0.2):  # two complete curves of small values
            t = study.ask()
            self.assertEqual(5.0, t.budget)
            self.assertEqual("NEW", t.hand_out)
            self.assertFalse(t.resumed)
            for epoch in range(1, 6):
                self.assertEqual(hp.Decision.CONTINUE, t.report(epoch, good, checkpoint=f"ckpt/{t.number}/{epoch}"))
            frozen = study.tell(t, good, checkpoint=f"ckpt/{t.number}/final")
            self.assertEqual({float(e): good for e in range(1, 6)}, frozen.intermediate_values)
        bad = study.ask()
        decision = bad.report(1, 100.0, checkpoint="ckpt/bad/1")
        self.assertEqual(hp.Decision.STOP, decision)
        self.assertEqual("STOP", decision)  # a str as well
        self.assertTrue(bad.should_stop and bad.should_prune())
        self.assertEqual("PRUNED", study.get_trial(bad.id).state)

    def test_a_lost_workers_trial_is_fenced_and_resumes_from_its_checkpoint(self):
        study = self.client.create_study(name("py-fence"), {"x": hp.Float(0, 1)}, lease_seconds=5,
                                         fidelity=("epochs", 1, 10))
        lost = study.ask()
        self.assertEqual((1, "NEW", False), (lost.attempt, lost.hand_out, lost.resumed))
        for step in (1, 2, 3):
            lost.report(step, 1.0 / step, checkpoint="ckpt-at-2" if step == 2 else None)
        # The worker goes silent: the service requeues the trial when its lease runs out.
        while study.get_trial(lost.id).state != "WAITING":
            threading.Event().wait(0.2)
        with study.trial(heartbeat_seconds=0.3) as resumed:
            self.assertEqual(lost.id, resumed.id)
            self.assertEqual((2, "REQUEUED", True), (resumed.attempt, resumed.hand_out, resumed.resumed))
            self.assertEqual(("ckpt-at-2", 2.0), (resumed.checkpoint, resumed.resume_step))
            # The lost worker comes back: fenced out, and told to stop.
            with self.assertRaises(hp.FailedPrecondition) as e:
                lost.report(4, 0.2)
            self.assertEqual(grpc.StatusCode.FAILED_PRECONDITION, e.exception.code)
            with self.assertRaises(hp.FailedPrecondition):
                study.tell(lost, 0.2)
            self.assertTrue(lost.heartbeat())
            self.assertEqual(hp.Decision.CONTINUE, resumed.report(3, 0.3, checkpoint="ckpt-at-3"))
            told = study.tell(resumed, 0.3, checkpoint="final")
        self.assertEqual("COMPLETE", told.state)
        self.assertEqual({1.0: 1.0, 2.0: 0.5, 3.0: 0.3}, told.intermediate_values)  # step 3 of attempt 1 abandoned
        self.assertEqual("final", told.checkpoint)

    def test_asha_promotes_the_best_paused_trial_with_its_checkpoint(self):
        if "asha" not in {p["name"] for p in self.client.plugins() if p["kind"] == "scheduler"}:
            self.skipTest("the service has no asha scheduler loaded")
        # ASHA's defaults: promotion, eta 3, rungs from the fidelity's min (1) to its max (9).
        study = self.client.create_study(name("py-asha"), {"x": hp.Float(0, 1)}, scheduler="asha",
                                         fidelity=("epochs", 1, 9))
        paused = {}
        for value in (0.3, 0.1, 0.2):
            t = study.ask()
            self.assertEqual((1.0, "NEW"), (t.budget, t.hand_out))
            self.assertEqual(hp.Decision.PAUSE, t.report(1, value, checkpoint=f"ckpt-{t.number}-1"))
            self.assertTrue(t.should_stop)
            paused[value] = t
        self.assertEqual({"PAUSED"}, {t.state for t in study.trials})
        promoted = study.ask()  # rung 0 holds 3 trials: the best third (one) goes on to 3 epochs
        best = paused[0.1]
        self.assertEqual(best.id, promoted.id)
        self.assertEqual(("PROMOTED", True, 3.0), (promoted.hand_out, promoted.resumed, promoted.budget))
        self.assertEqual((f"ckpt-{best.number}-1", 1.0), (promoted.checkpoint, promoted.resume_step))
        self.assertEqual(2, promoted.attempt)
        with self.assertRaises(hp.FailedPrecondition):
            best.report(2, 0.05)  # the paused attempt is over
        self.assertIsInstance(promoted.report(3, 0.05, checkpoint=f"ckpt-{best.number}-3"), hp.Decision)

    def test_update_raises_the_max_budget_and_continues_the_best_finished_trial(self):
        if "asha" not in {p["name"] for p in self.client.plugins() if p["kind"] == "scheduler"}:
            self.skipTest("the service has no asha scheduler loaded")
        # ASHA with eta 3 and max 3: rungs at 1 and 3. Three trials reach 3 and finish there.
        study = self.client.create_study(name("py-deepen"), {"x": hp.Float(0, 1)}, scheduler="asha",
                                         fidelity=("epochs", 1, 3))
        finished = {}
        for value in (0.3, 0.1, 0.2, 0.6, 0.5, 0.4, 0.9, 0.8, 0.7):
            t = study.ask()
            if t.hand_out == "PROMOTED":  # a trial paused at 1, promoted to 3: finish it there
                t.report(3, t.params["x"], checkpoint=f"ckpt-{t.number}-3")
                study.tell(t, t.params["x"], checkpoint=f"ckpt-{t.number}-3")
                finished[t.id] = t.params["x"]
                t = study.ask()
            t.report(1, value, checkpoint=f"ckpt-{t.number}-1")
        while True:  # promote what ASHA will still promote to 3
            t = study.ask()
            if t.hand_out != "PROMOTED":
                study.tell_failed(t, "not needed")
                break
            t.report(3, t.params["x"], checkpoint=f"ckpt-{t.number}-3")
            study.tell(t, t.params["x"], checkpoint=f"ckpt-{t.number}-3")
            finished[t.id] = t.params["x"]
        self.assertGreaterEqual(len(finished), 3)

        with self.assertRaises(hp.InvalidArgument) as e:
            study.update(max_budget=3)
        self.assertEqual("max_budget", e.exception.field)
        continued = study.update(max_budget=9)
        self.assertEqual(("epochs", 1.0, 9.0), study.summary()["fidelity"])
        self.assertEqual([(3.0, 9.0, len(study.trials))], study.summary()["budget_raises"])
        best = min(finished, key=finished.get)
        self.assertIn(best, [t.id for t in continued])  # the top third of the rung at the old max
        self.assertEqual({"PAUSED"}, {t.state for t in continued})
        resumed = study.ask()
        self.assertIn(resumed.id, [t.id for t in continued])
        self.assertEqual(("PROMOTED", True, 9.0), (resumed.hand_out, resumed.resumed, resumed.budget))
        self.assertEqual((f"ckpt-{resumed.number}-3", 3.0), (resumed.checkpoint, resumed.resume_step))
        self.assertEqual(hp.Decision.CONTINUE, resumed.report(4, 0.01))
        with self.assertRaises(hp.NotFound):
            self.client.update_study(name("py-none"), max_budget=9)

    def test_list_calls_follow_page_tokens(self):
        study = self.client.create_study(name("py-pages"), {"x": hp.Float(0, 1)})
        for _ in range(5):
            study.tell(study.ask(), 0.5)
        paged = list(self.client.pages("ListTrials", pb.ListTrialsRequest(study=study.name, page_size=2), "trials"))
        self.assertEqual(list(range(5)), [t.number for t in paged])
        self.assertEqual(5, len(study.trials))
        # The client's page size: five trials in pages of two (three calls), all of them in order.
        small = hp.Client(TARGET, page_size=2)
        calls = []
        original = small.call
        small.call = lambda method, request: calls.append((method, getattr(request, "page_size", None))) \
            or original(method, request)
        self.assertEqual(list(range(5)), [t.number for t in small.load_study(study.name).trials])
        self.assertEqual([("GetStudy", None)] + [("ListTrials", 2)] * 3, calls)  # three pages: 2 + 2 + 1
        with self.assertRaises(hp.InvalidArgument) as too_big:
            hp.Client(TARGET, page_size=10**6).load_study(study.name).trials
        self.assertEqual("page_size", too_big.exception.field)
        with self.assertRaises(ValueError):
            hp.Client(TARGET, page_size=-1)

    def test_trial_context_manager_reports_failures_and_keeps_the_lease(self):
        study = self.client.create_study(name("py-ctx"), {"x": hp.Float(0, 1)}, lease_seconds=3,
                                         lease_policy="fail")
        with self.assertRaises(ZeroDivisionError):
            with study.trial() as t:
                failing = t.id
                1 / 0
        failed = study.get_trial(failing)
        self.assertEqual("FAILED", failed.state)
        self.assertIn("ZeroDivisionError", failed.fail_reason)

        with study.trial() as t:
            raise hp.TrialPruned("not promising")
        self.assertEqual(("PRUNED", "not promising"), (study.get_trial(t.id).state, study.get_trial(t.id).fail_reason))

        # Heartbeats keep a 3 s lease alive through a long step: wait (on the service's own
        # clock) until a heartbeat has moved the lease expiry past the first one.
        with study.trial(heartbeat_seconds=0.5) as t:
            first_expiry = study.client.call("GetTrial", pb.GetTrialRequest(study=study.name, trial_id=t.id)).trial.lease_expires_at_ms
            while study.client.call("GetTrial", pb.GetTrialRequest(study=study.name, trial_id=t.id)).trial.lease_expires_at_ms <= first_expiry:
                threading.Event().wait(0.1)
            study.tell(t, 0.25)
        self.assertEqual("COMPLETE", study.get_trial(t.id).state)

        with study.trial() as t:
            pass  # ended without tell
        self.assertEqual("FAILED", study.get_trial(t.id).state)

    def test_ctrl_c_in_a_trial_block_marks_it_failed_at_once(self):
        study = self.client.create_study(name("py-sigint"), {"x": hp.Float(0, 1)})
        script = textwrap.dedent(f"""
            import sys, threading, hypatia_client as hp
            study = hp.Client({TARGET!r}).load_study({study.name!r})
            with study.trial() as t:
                print(t.id, flush=True)
                threading.Event().wait(600)
        """)
        p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        trial_id = int(p.stdout.readline())
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=60)
        self.assertIn("KeyboardInterrupt", err)
        t = study.get_trial(trial_id)
        self.assertEqual("FAILED", t.state)
        self.assertIn("KeyboardInterrupt", t.fail_reason)

    def test_optimize_runs_exactly_n_trials_across_worker_processes(self):
        # The client is used (its channel opened) before the workers start: they must not inherit it.
        study = self.client.create_study(name("py-opt"), {"x1": hp.Float(-5, 10), "x2": hp.Float(0, 15)},
                                         sampler="tpe", sampler_config={"seed": 3})
        self.assertEqual(21, study.optimize(branin_objective, n_trials=21, n_workers=3, show_progress=False))
        trials = study.trials
        self.assertEqual(21, len(trials))
        self.assertEqual({"COMPLETE"}, {t.state for t in trials})
        self.assertGreater(len({t.worker for t in trials}), 1)
        with self.assertRaises(TypeError):
            study.optimize(lambda t: 0.0, n_trials=2, n_workers=2)  # not picklable: a clear error
        study.optimize(lambda t: branin(t.params["x1"], t.params["x2"]), n_trials=4, show_progress=False)
        self.assertEqual(25, len(study.trials))

    def _optimize_in_a_process_then(self, sig):
        """Runs study.optimize with 2 workers in a child process whose objective waits forever,
        sends `sig` to that process once both trials run, and returns the study and the workers' pids."""
        study = self.client.create_study(name("py-opt-signal"), {"x": hp.Float(0, 1)})
        with tempfile.TemporaryDirectory() as d:
            script = os.path.join(d, "optimize_forever.py")
            with open(script, "w") as f:
                f.write(textwrap.dedent(f"""
                    import os, threading, hypatia_client as hp

                    def objective(trial):
                        open(os.path.join({d!r}, str(os.getpid())), "w").close()
                        threading.Event().wait(600)
                        return 0.0

                    if __name__ == "__main__":
                        hp.Client({TARGET!r}).load_study({study.name!r}).optimize(objective, n_trials=4, n_workers=2,
                                                                              show_progress=False)
                """))
            p = subprocess.Popen([sys.executable, script], stderr=subprocess.PIPE, text=True)
            try:
                pids = set()
                for _ in range(600):  # both workers are in their trial (at most 60 s)
                    pids = {int(n) for n in os.listdir(d) if n.isdigit()}
                    if len(pids) == 2 and sum(t.state == "RUNNING" for t in study.trials) == 2:
                        break
                    threading.Event().wait(0.1)
                self.assertEqual(2, len(pids), "both workers started a trial")
                p.send_signal(sig)
                _, self._optimize_stderr = p.communicate(timeout=120)
            finally:
                if p.poll() is None:
                    p.kill()
        return study, pids, p.returncode

    def _assert_failed_and_gone(self, study, pids):
        for _ in range(600):  # the workers tell their trials FAILED and exit (at most 60 s)
            alive = {pid for pid in pids if os.path.exists(f"/proc/{pid}")}
            if not alive and all(t.state != "RUNNING" for t in study.trials):
                break
            threading.Event().wait(0.1)
        self.assertEqual(set(), {pid for pid in pids if os.path.exists(f"/proc/{pid}")}, "no worker outlives the run")
        trials = study.trials
        self.assertEqual(2, len(trials), "no trial was started after the signal")
        for t in trials:
            self.assertEqual("FAILED", t.state, f"trial {t.number}; the optimize process said:\n{self._optimize_stderr}")
            self.assertIn("KeyboardInterrupt", t.fail_reason)

    def test_sigterm_to_optimize_fails_the_running_trials_and_ends_the_workers(self):
        study, pids, code = self._optimize_in_a_process_then(signal.SIGTERM)
        self.assertEqual(-signal.SIGTERM, code, "the process still ends by SIGTERM")
        self._assert_failed_and_gone(study, pids)

    def test_workers_of_a_killed_optimize_fail_their_trials_and_exit(self):
        study, pids, code = self._optimize_in_a_process_then(signal.SIGKILL)
        self.assertEqual(-signal.SIGKILL, code)
        self._assert_failed_and_gone(study, pids)

    def test_client_pickles_without_its_channel(self):
        self.client.list_studies()
        clone = pickle.loads(pickle.dumps(self.client))
        self.assertIsInstance(clone.list_studies(), list)

    def test_enqueue_trials_dicts_and_csv(self):
        study = self.client.create_study(name("py-csv"), {"lr": hp.Float(1e-4, 1, log=True), "opt": ["a", "b"],
                                                          "bn": [True, False]})
        queued = study.enqueue_trial({"lr": 0.01, "opt": "b", "bn": True})
        self.assertEqual("WAITING", queued.state)
        t = study.ask()
        self.assertEqual({"lr": 0.01, "opt": "b", "bn": True}, t.params)
        study.tell(t, 0.5)
        study.tell_failed(study.ask(), "boom")
        rows = study.trials_dicts()
        self.assertEqual(["COMPLETE", "FAILED"], [r["state"] for r in rows])
        self.assertEqual(0.01, rows[0]["params_lr"])
        self.assertIs(True, rows[0]["params_bn"])
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "trials.csv")
            self.assertEqual(2, study.export_csv(path))
            with open(path) as f:
                read = list(csv.DictReader(f))
            self.assertEqual("0.5", read[0]["value"])
            self.assertEqual("b", read[0]["params_opt"])
            self.assertEqual(2, study.export_json(os.path.join(d, "trials.json")))

    def test_sampler_config_takes_numbers_and_bools(self):
        study = self.client.create_study(name("py-cfg"), {"x": hp.Float(0, 1)}, sampler="tpe",
                                         sampler_config={"seed": 1, "n_startup_trials": 5})
        self.assertEqual({"seed": "1", "n_startup_trials": "5"}, study.summary()["sampler_config"])


def _free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TargetTest(unittest.TestCase):
    """Targets naming several gateways (no service needed; ClientFailoverIT kills one under load)."""

    def test_an_address_list_becomes_grpc_s_ipv4_list_with_round_robin(self):
        target, options = hp.channel_target("127.0.0.1:5001, 127.0.0.2:5002")
        self.assertEqual("ipv4:127.0.0.1:5001,127.0.0.2:5002", target)
        self.assertIn(("grpc.lb_policy_name", "round_robin"), options)
        self.assertIn(("grpc.default_authority", "127.0.0.1:5001"), options)

    def test_names_in_a_list_are_resolved_and_ipv6_is_bracketed(self):
        self.assertEqual("ipv6:[::1]:5001,[::1]:5002", hp.channel_target("[::1]:5001,[::1]:5002")[0])
        target, options = hp.channel_target("localhost:5001,127.0.0.1:5002")
        self.assertTrue(target.startswith("ipv4:127.0.0.1:5001,"), target)
        self.assertIn(("grpc.default_authority", "localhost:5001"), options)

    def test_one_address_and_grpc_schemes_pass_through(self):
        for t in ("127.0.0.1:50051", "dns:///gateways.example:50051", "ipv4:10.0.0.1:1,10.0.0.2:1"):
            self.assertEqual(t, hp.channel_target(t)[0])
            self.assertIn(("grpc.lb_policy_name", "round_robin"), hp.channel_target(t)[1])

    def test_a_bad_entry_is_refused_naming_it(self):
        with self.assertRaisesRegex(ValueError, "'127.0.0.1' in .* is not host:port"):
            hp.Client("127.0.0.1,127.0.0.1:5")
        with self.assertRaisesRegex(ValueError, "target: empty"):
            hp.Client(" ")

    def test_only_calls_that_may_be_repeated_are(self):
        self.assertTrue({"Ask", "Tell", "Report", "Heartbeat", "GetStudy", "ListTrials"} <= hp.IDEMPOTENT)
        self.assertFalse({"CreateStudy", "DeleteStudy", "EnqueueTrial", "UpdateStudy"} & hp.IDEMPOTENT)

    def test_a_repeatable_call_is_repeated_when_no_gateway_answers(self):
        with socket.socket() as s:  # a port nobody listens on once closed
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        client = hp.Client(f"127.0.0.1:{port},127.0.0.1:{port}", retries=2, timeout=2)
        with self.assertRaises(hp.Unavailable):
            client.list_studies()
        self.assertEqual(2, client.retried_calls)
        # one that may not be repeated waits for a gateway (here: until its deadline), once
        with self.assertRaises(hp.HypatiaError) as caught:
            client.call("DeleteStudy", pb.DeleteStudyRequest(study="x"))
        self.assertEqual(grpc.StatusCode.DEADLINE_EXCEEDED, caught.exception.code)
        self.assertEqual(2, client.retried_calls)
        client.close()


class GatewayLossTest(unittest.TestCase):
    """Which failures count as a lost gateway, through a real gRPC server answering scripted statuses
    (no Hypatia service needed; tools/gateway_loss_codes.py records what a killed gateway gives)."""

    def setUp(self):
        from concurrent import futures
        from hypatia_client._proto import pb_grpc

        self.answers = []  # (code, details) for the next calls, in turn; then an empty answer
        self.calls = 0
        test = self

        class Scripted(pb_grpc.HypatiaServiceServicer):
            def _answer(self, context, response):
                test.calls += 1
                if test.answers:
                    context.abort(*test.answers.pop(0))
                return response

            def ListStudies(self, request, context):
                return self._answer(context, pb.ListStudiesResponse())

            def DeleteStudy(self, request, context):
                return self._answer(context, pb.DeleteStudyResponse())

        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        pb_grpc.add_HypatiaServiceServicer_to_server(Scripted(), self.server)
        port = self.server.add_insecure_port("127.0.0.1:0")
        self.server.start()
        self.client = hp.Client(f"127.0.0.1:{port}", retries=3, timeout=10)

    def tearDown(self):
        self.client.close()
        self.server.stop(None)

    def test_a_repeatable_call_is_repeated_after_the_c_core_s_stream_removed(self):
        # grpcio's status for a call whose HTTP/2 stream its transport dropped without a status
        self.answers = [(grpc.StatusCode.UNKNOWN, "Stream removed"), (grpc.StatusCode.UNAVAILABLE, "Socket closed")]
        self.assertEqual([], self.client.list_studies())
        self.assertEqual((3, 2), (self.calls, self.client.retried_calls))

    def test_other_unknown_failures_and_calls_that_may_not_be_repeated_are_not(self):
        for details in ("", "Application error processing RPC", "Stream removed by the service"):
            self.answers = [(grpc.StatusCode.UNKNOWN, details)]
            with self.assertRaises(hp.HypatiaError) as caught:
                self.client.list_studies()
            self.assertEqual(grpc.StatusCode.UNKNOWN, caught.exception.code)
        self.answers = [(grpc.StatusCode.UNKNOWN, "Stream removed")]
        with self.assertRaises(hp.HypatiaError):
            self.client.delete_study("s")
        self.assertEqual((4, 0), (self.calls, self.client.retried_calls))


if __name__ == "__main__":
    unittest.main()
