"""A small, typed wrapper over the generated hypatia.v1 stubs."""
from dataclasses import dataclass, field
import uuid

import grpc
from hypatia.v1 import hypatia_pb2 as pb
from hypatia.v1 import hypatia_pb2_grpc as pb_grpc


class HypatiaError(Exception):
    """An RPC the service refused; ``code`` is the gRPC status code, ``field`` the bad field if named."""

    def __init__(self, err: grpc.RpcError):
        self.code = err.code()
        self.details = err.details() or ""
        self.field = self.details.split(": ", 1)[0] if ": " in self.details else None
        super().__init__(f"{self.code.name}: {self.details}")


def _value(v):
    if isinstance(v, bool):
        return pb.Value(string_value=str(v).lower())
    if isinstance(v, int):
        return pb.Value(int_value=v)
    if isinstance(v, float):
        return pb.Value(float_value=v)
    return pb.Value(string_value=str(v))


def _python(v):
    kind = v.WhichOneof("kind")
    return getattr(v, kind) if kind else None


@dataclass
class Float:
    name: str
    low: float
    high: float
    log: bool = False
    condition: tuple = None  # (parent name, [enabling values])


@dataclass
class Int:
    name: str
    low: int
    high: int
    step: int = 1
    log: bool = False
    condition: tuple = None


@dataclass
class Categorical:
    name: str
    choices: list
    condition: tuple = None


@dataclass
class Ordinal:
    name: str
    choices: list
    condition: tuple = None


def _param(p):
    msg = pb.Parameter(name=p.name)
    if isinstance(p, Float):
        msg.float.CopyFrom(pb.FloatDomain(low=p.low, high=p.high, log=p.log))
    elif isinstance(p, Int):
        msg.int.CopyFrom(pb.IntDomain(low=p.low, high=p.high, step=p.step, log=p.log))
    elif isinstance(p, Categorical):
        msg.categorical.CopyFrom(pb.CategoricalDomain(choices=[_value(c) for c in p.choices]))
    elif isinstance(p, Ordinal):
        msg.ordinal.CopyFrom(pb.OrdinalDomain(choices=[_value(c) for c in p.choices]))
    else:
        raise TypeError(f"not a parameter: {p!r}")
    if p.condition:
        parent, values = p.condition
        msg.condition.CopyFrom(pb.Condition(parent=parent, values=[_value(v) for v in values]))
    return msg


@dataclass
class AskedTrial:
    """A trial handed to this worker: its id, number, configuration and the budget to train to."""
    study: str
    id: int
    number: int
    config: dict
    budget: float
    resumed: bool
    attributes: dict = field(default_factory=dict)


class Client:
    """Talks to one Hypatia service. Every method raises HypatiaError when the service refuses."""

    def __init__(self, target: str = "127.0.0.1:50051", worker: str = None, timeout: float = 60.0):
        self._channel = grpc.insecure_channel(target)
        self._stub = pb_grpc.HypatiaServiceStub(self._channel)
        self.worker = worker or f"py-{uuid.uuid4().hex[:8]}"
        self.timeout = timeout

    def _call(self, method, request):
        try:
            return getattr(self._stub, method)(request, timeout=self.timeout)
        except grpc.RpcError as err:
            raise HypatiaError(err) from None

    def close(self):
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def create_study(self, name, params=None, objectives=(("value", "minimize"),), sampler="random",
                     sampler_config=None, scheduler="none", scheduler_config=None, fidelity=None,
                     benchmark=None, lease_seconds=0):
        """Creates a study; ``fidelity`` is (name, min, max); ``benchmark`` takes a benchmark plugin's problem."""
        req = pb.CreateStudyRequest(
            name=name,
            sampler=pb.PluginSelection(name=sampler, config=sampler_config or {}),
            scheduler=pb.PluginSelection(name=scheduler, config=scheduler_config or {}),
            lease_seconds=lease_seconds)
        if benchmark:
            req.benchmark = benchmark
        else:
            req.search_space.CopyFrom(pb.SearchSpace(params=[_param(p) for p in params]))
            for obj_name, direction in objectives:
                req.objectives.add(name=obj_name, direction=pb.Direction.Value(direction.upper()))
        if fidelity:
            req.fidelity.CopyFrom(pb.Fidelity(name=fidelity[0], min=fidelity[1], max=fidelity[2]))
        return self._call("CreateStudy", req).study

    def ask(self, study: str) -> AskedTrial:
        asked = self._call("Ask", pb.AskRequest(study=study, count=1, worker=self.worker)).trials[0]
        t = asked.trial
        return AskedTrial(study, t.id, t.number, {p.name: _python(p.value) for p in t.config}, t.budget,
                          asked.resumed, dict(t.attributes))

    def report(self, trial: AskedTrial, step: float, value: float) -> str:
        """Reports an intermediate value; returns "CONTINUE", "STOP" or "PAUSE"."""
        r = self._call("Report", pb.ReportRequest(study=trial.study, trial_id=trial.id, step=step, value=value))
        return pb.Decision.Name(r.decision)

    def heartbeat(self, trial: AskedTrial) -> bool:
        """Keeps the trial's lease; returns True when the worker should stop."""
        return self._call("Heartbeat", pb.HeartbeatRequest(study=trial.study, trial_id=trial.id)).should_stop

    def tell(self, trial: AskedTrial, values, constraints=(), request_id=None):
        """Finishes a trial with one value per objective; safe to retry (a request id is sent)."""
        req = pb.TellRequest(study=trial.study, trial_id=trial.id, request_id=request_id or uuid.uuid4().hex,
                             complete=pb.TellRequest.Complete(values=list(values), constraints=list(constraints)))
        return self._call("Tell", req).trial

    def tell_failed(self, trial: AskedTrial, reason: str):
        req = pb.TellRequest(study=trial.study, trial_id=trial.id, request_id=uuid.uuid4().hex,
                             failed=pb.TellRequest.Failed(reason=reason))
        return self._call("Tell", req).trial

    def best_trials(self, study: str):
        """The best trial (or the Pareto set) as dicts with 'number', 'values' and 'config'."""
        trials = self._call("GetBestTrials", pb.GetBestTrialsRequest(study=study)).trials
        return [{"number": t.number, "values": list(t.values), "config": {p.name: _python(p.value) for p in t.config}}
                for t in trials]

    def plugins(self):
        return [(p.kind, p.name, p.version, p.state) for p in self._call("ListPlugins", pb.ListPluginsRequest()).plugins]
