"""The connection to a Hypatia service: channel per process, retries, errors."""
import os
import random
import socket
import threading
import time
import uuid
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

import grpc

from ._proto import pb, pb_grpc
from .errors import AlreadyExists, HypatiaError
from .space import Space, to_search_space, to_value

# Directions accepted everywhere a direction is named.
_DIRECTIONS = {"minimize": pb.MINIMIZE, "min": pb.MINIMIZE, "maximize": pb.MAXIMIZE, "max": pb.MAXIMIZE}
_LEASE_POLICIES = {"requeue": pb.REQUEUE, "fail": pb.FAIL}

Objectives = Union[str, Sequence[Union[str, Tuple[str, str]]], Mapping[str, str]]

# RPCs whose repetition gives the outcome of one call, so they are repeated after a lost gateway:
# Ask and Tell carry request ids, a repeated Report (same step, value, attempt) is answered as the
# first was, Heartbeat only extends a lease, the rest only read. Not repeated: DeleteStudy,
# EnqueueTrial, UpdateStudy, InstallPlugin, UninstallPlugin, and CreateStudy unless
# load_if_exists (a repeat then finds the first one's study).
IDEMPOTENT = frozenset({"Ask", "Tell", "Report", "Heartbeat", "GetStudy", "ListStudies", "GetTrial", "ListTrials",
                        "GetBestTrials", "ListPlugins", "ListPluginJars"})
# Failures that say nothing about the request: the gateway died, cannot be reached, or did not answer in time.
_GATEWAY_LOSS = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
# gRPC's C core reports a lost connection as UNAVAILABLE, except a call its HTTP/2 transport drops
# with an error that carries no status: that comes out as UNKNOWN with the transport's own details,
# "Stream removed" (grpc/grpc#34076). Only those exact details count: an UNKNOWN the service sends
# (grpc-java's "Application error processing RPC" for an exception escaping a handler) is a bug to
# report at once, not a lost gateway.
_TRANSPORT_CLOSURE_DETAILS = frozenset({"Stream removed"})


def _is_gateway_loss(code: grpc.StatusCode, details: Optional[str]) -> bool:
    """True for a failure that says nothing about the request itself: a repeatable call is repeated after it."""
    return code in _GATEWAY_LOSS or (code == grpc.StatusCode.UNKNOWN
                                     and details in _TRANSPORT_CLOSURE_DETAILS)


def _split_host_port(address: str, target: str) -> Tuple[str, int]:
    a = address.strip()
    host, _, port = a.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"target: {address!r} in {target!r} is not host:port")
    return host, int(port)


def channel_target(target: str) -> Tuple[str, List[Tuple[str, Any]]]:
    """The gRPC target and channel options for one or several gateways, spread round robin.

    ``host:port`` and any target with a gRPC scheme (``dns:///name:port``, ``ipv4:a:p,b:p``,
    ``ipv6:...``, ``unix:...``) pass through unchanged. A list ``host1:port1,host2:port2`` becomes
    gRPC's ``ipv4:``/``ipv6:`` list; names in it are resolved once, here (use a ``dns:`` name with
    several addresses for re-resolution). The channel authority is the first entry's, so TLS
    checks the certificate against that name.
    """
    if not target or not target.strip():
        raise ValueError("target: empty; give host:port or host1:port1,host2:port2")
    options: List[Tuple[str, Any]] = [("grpc.lb_policy_name", "round_robin")]
    if "," not in target or target.split(":", 1)[0] in ("ipv4", "ipv6", "dns", "unix", "unix-abstract", "vsock"):
        return target, options
    import ipaddress
    v4, v6 = [], []
    entries = [_split_host_port(a, target) for a in target.split(",")]
    for host, port in entries:
        try:
            ips = [ipaddress.ip_address(host)]
        except ValueError:
            try:
                ips = sorted({ipaddress.ip_address(info[4][0].split("%")[0])
                              for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}, key=str)
            except socket.gaierror as err:
                raise ValueError(f"target: cannot resolve {host!r} of {target!r}: {err}") from None
        for ip in ips:
            (v4 if ip.version == 4 else v6).append(f"{ip}:{port}" if ip.version == 4 else f"[{ip}]:{port}")
    # gRPC's list schemes take one address family: IPv4 where there is any, else IPv6
    resolved = "ipv4:" + ",".join(v4) if v4 else "ipv6:" + ",".join(v6)
    host, port = entries[0]
    options.append(("grpc.default_authority", f"[{host}]:{port}" if ":" in host else f"{host}:{port}"))
    return resolved, options


def _direction(d: Any, field: str) -> int:
    key = d.lower() if isinstance(d, str) else None
    if key not in _DIRECTIONS:
        raise ValueError(f"{field}: direction must be 'minimize'/'min' or 'maximize'/'max', not {d!r}")
    return _DIRECTIONS[key]


def _config(cfg: Optional[Mapping[str, Any]], field: str) -> Dict[str, str]:
    """Plugin settings as the strings the wire carries (ints, floats and bools are written out)."""
    out = {}
    for k, v in (cfg or {}).items():
        if isinstance(v, bool):
            out[str(k)] = "true" if v else "false"
        elif isinstance(v, (int, float, str)):
            out[str(k)] = str(v)
        else:
            raise TypeError(f"{field}[{k!r}]: a setting must be str, int, float or bool, not {type(v).__name__}")
    return out


def _objectives(objectives: Optional[Objectives], direction: Optional[str],
                directions: Optional[Sequence[str]]) -> List["pb.Objective"]:
    if objectives is not None and (direction is not None or directions is not None):
        raise ValueError("give either objectives=... or direction/directions=..., not both")
    if directions is not None:
        names = ["value"] if len(directions) == 1 else [f"value_{i}" for i in range(len(directions))]
        pairs = list(zip(names, directions))
    elif objectives is None:
        pairs = [("value", direction or "minimize")]
    elif isinstance(objectives, str):
        pairs = [(objectives, direction or "minimize")]
    elif isinstance(objectives, Mapping):
        pairs = list(objectives.items())
    else:
        pairs = [(o, "minimize") if isinstance(o, str) else tuple(o) for o in objectives]
    return [pb.Objective(name=n, direction=_direction(d, f"objectives[{i}]")) for i, (n, d) in enumerate(pairs)]


class Client:
    """A connection to a Hypatia service: one gateway, or several sharing a PostgreSQL store.

    Safe to create before forking worker processes: each process opens its own gRPC channel on
    first use (a channel never crosses a fork). Calls are spread over the gateways round robin.
    A call that may be repeated (``IDEMPOTENT``: Ask and Tell carry request ids, Report and
    Heartbeat are answered alike when repeated, reads) and fails with UNAVAILABLE,
    DEADLINE_EXCEEDED or gRPC's UNKNOWN "Stream removed" (a connection dropped under the call)
    is repeated with exponential backoff (``retries`` times), on another
    gateway once the lost one is out of the rotation. Other calls are not repeated; they wait
    for a reachable gateway (up to ``timeout``) instead of failing fast.

    Args:
        target: ``host:port`` of the service, or several gateways ``host1:port1,host2:port2``,
            or any gRPC target (``dns:///name:port``, ``ipv4:a:p,b:p``); see ``channel_target``.
        worker: name recorded on the trials this client leases (default: host and pid).
        timeout: deadline of each call in seconds.
        retries: repeats of a repeatable call after a lost gateway (0 disables).
        token: a bearer token sent as ``authorization`` metadata on every call, for services
            that require one.
        tls: connect with TLS; ``root_certificates`` (PEM bytes) overrides the system roots.
        page_size: studies or trials fetched per ListStudies/ListTrials call (0: the service's
            default page size, 1000 unless configured). Listing follows the pages either way;
            a smaller page keeps each answer small, a larger one saves round trips.
    """

    def __init__(self, target: str = "127.0.0.1:50051", *, worker: Optional[str] = None, timeout: float = 60.0,
                 retries: int = 5, token: Optional[str] = None, tls: bool = False,
                 root_certificates: Optional[bytes] = None, page_size: int = 0):
        if not isinstance(page_size, int) or page_size < 0:
            raise ValueError(f"page_size must be an int >= 0 (0: the service's default), not {page_size!r}")
        self.target = target
        self._grpc_target, self._options = channel_target(target)  # a bad target is refused here
        self.retried_calls = 0  # calls repeated after a lost gateway or a timeout, in this process
        self.page_size = page_size
        self.timeout = timeout
        self.retries = retries
        self._worker = worker
        self._token = token
        self._tls = tls or root_certificates is not None
        self._root_certificates = root_certificates
        self._lock = threading.Lock()
        self._pid: Optional[int] = None
        self._channel: Optional[grpc.Channel] = None
        self._stub = None

    @property
    def worker(self) -> str:
        return self._worker or f"{socket.gethostname()}-{os.getpid()}"

    # ------------------------------------------------------------------ transport

    def _service(self):
        with self._lock:
            if self._pid != os.getpid():  # first use, or a forked child: never reuse the parent's channel
                if self._tls:
                    creds = grpc.ssl_channel_credentials(root_certificates=self._root_certificates)
                    self._channel = grpc.secure_channel(self._grpc_target, creds, options=self._options)
                else:
                    self._channel = grpc.insecure_channel(self._grpc_target, options=self._options)
                self._stub = pb_grpc.HypatiaServiceStub(self._channel)
                self._pid = os.getpid()
            return self._stub

    def call(self, method: str, request: Any, idempotent: Optional[bool] = None) -> Any:
        """Calls one RPC of hypatia.v1 by name; raises HypatiaError.

        A repeatable call (``idempotent``, by default ``method in IDEMPOTENT``) is repeated after
        UNAVAILABLE, DEADLINE_EXCEEDED or UNKNOWN "Stream removed"; any other waits for a reachable
        gateway and is not repeated."""
        if idempotent is None:
            idempotent = method in IDEMPOTENT
        metadata = (("authorization", f"Bearer {self._token}"),) if self._token else None
        delay = 0.1
        for attempt in range(self.retries + 1):
            try:
                return getattr(self._service(), method)(request, timeout=self.timeout, metadata=metadata,
                                                        wait_for_ready=None if idempotent else True)
            except grpc.RpcError as err:
                error = HypatiaError.from_rpc_error(err, method)
                if not idempotent or not _is_gateway_loss(error.code, error.message) or attempt == self.retries:
                    raise error from None
            self.retried_calls += 1
            time.sleep(delay * (0.5 + random.random()))  # jitter, so the workers of a lost gateway do not stampede
            delay = min(delay * 2, 5.0)
        raise AssertionError("unreachable")

    def pages(self, method: str, request: Any, field: str) -> Iterator[Any]:
        """Every item of a paged list RPC (ListStudies, ListTrials), following next_page_token.

        Pages hold ``page_size`` items (the client's setting unless the request sets one)."""
        if not request.page_size:
            request.page_size = self.page_size
        while True:
            response = self.call(method, request)
            yield from getattr(response, field)
            if not response.next_page_token:
                return
            request.page_token = response.next_page_token

    def close(self) -> None:
        """Closes this process's channel (a later call opens a new one)."""
        with self._lock:
            if self._channel is not None and self._pid == os.getpid():
                self._channel.close()
            self._channel, self._stub, self._pid = None, None, None

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __getstate__(self):  # picklable for worker processes: settings only, never the channel
        state = self.__dict__.copy()
        state.update(_lock=None, _pid=None, _channel=None, _stub=None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ studies

    def create_study(self, name: str, space: Optional[Space] = None, *, direction: Optional[str] = None,
                     directions: Optional[Sequence[str]] = None, objectives: Optional[Objectives] = None,
                     sampler: str = "random", sampler_config: Optional[Mapping[str, Any]] = None,
                     scheduler: str = "none", scheduler_config: Optional[Mapping[str, Any]] = None,
                     fidelity: Optional[Tuple[str, float, float]] = None, benchmark: Optional[str] = None,
                     lease_seconds: int = 0, lease_policy: Optional[str] = None, max_attempts: int = 0,
                     load_if_exists: bool = False) -> "Study":
        """Creates a study (or joins it with ``load_if_exists=True``) and returns it.

        Args:
            name: unique study name (letters, digits, ``.``, ``_``, ``-``).
            space: dict of parameter name -> Float/Int/Categorical/Ordinal or a list of choices.
            direction: ``"minimize"``/``"min"`` or ``"maximize"``/``"max"`` for one objective.
            directions: one direction per objective (named value_0, value_1, ...).
            objectives: named objectives instead: ``{"loss": "min", "acc": "max"}`` or
                ``[("loss", "min")]`` or ``"loss"``.
            sampler, sampler_config: sampler plugin and its settings (values may be ints/floats).
            scheduler, scheduler_config: early-stopping/promotion scheduler and its settings.
            fidelity: ``(resource name, min, max)``, e.g. ``("epochs", 1, 27)``.
            benchmark: create the study on a loaded benchmark plugin's problem instead of a space.
            lease_seconds, lease_policy, max_attempts: what happens to trials of lost workers
                (``"requeue"`` or ``"fail"``); 0 keeps the service's defaults.
            load_if_exists: return the existing study of that name instead of raising AlreadyExists.
        """
        from .study import Study
        req = pb.CreateStudyRequest(
            name=name, lease_seconds=lease_seconds, max_attempts=max_attempts,
            sampler=pb.PluginSelection(name=sampler, config=_config(sampler_config, "sampler_config")),
            scheduler=pb.PluginSelection(name=scheduler, config=_config(scheduler_config, "scheduler_config")))
        if lease_policy is not None:
            if lease_policy.lower() not in _LEASE_POLICIES:
                raise ValueError(f"lease_policy must be 'requeue' or 'fail', not {lease_policy!r}")
            req.lease_policy = _LEASE_POLICIES[lease_policy.lower()]
        if benchmark:
            if space is not None or objectives is not None or direction or directions:
                raise ValueError("a benchmark study takes its space and objectives from the benchmark")
            req.benchmark = benchmark
        else:
            if space is None:
                raise ValueError("space: required (or benchmark=...)")
            req.search_space.CopyFrom(to_search_space(space))
            req.objectives.extend(_objectives(objectives, direction, directions))
        if fidelity is not None:
            fname, fmin, fmax = fidelity
            req.fidelity.CopyFrom(pb.Fidelity(name=fname, min=float(fmin), max=float(fmax)))
        try:
            # repeatable only when an existing study is welcome: a repeat then finds the first one's study
            return Study(self, self.call("CreateStudy", req, idempotent=load_if_exists).study)
        except AlreadyExists:
            if not load_if_exists:
                raise
            return self.load_study(name)

    def load_study(self, name: str) -> "Study":
        """The existing study ``name``; raises NotFound if there is none."""
        from .study import Study
        return Study(self, self.call("GetStudy", pb.GetStudyRequest(study=name)).study)

    def get_study(self, name: str) -> Dict[str, Any]:
        """One study's definition and trial counts as a plain dict."""
        return self.load_study(name).summary()

    def list_studies(self) -> List[Dict[str, Any]]:
        """Every study as a plain dict (see ``Study.summary``), in creation order."""
        from .study import Study
        return [Study(self, s).summary(refresh=False) for s in self.pages("ListStudies", pb.ListStudiesRequest(), "studies")]

    def update_study(self, name: str, *, max_budget: float) -> List[Dict[str, Any]]:
        """Raises study ``name``'s max budget (see ``Study.update``); returns the continued trials as dicts."""
        return [t.to_dict() for t in self.load_study(name).update(max_budget=max_budget)]

    def delete_study(self, name: str) -> None:
        """Deletes a study and all its trials; raises NotFound if there is none."""
        self.call("DeleteStudy", pb.DeleteStudyRequest(study=name))

    def plugins(self) -> List[Dict[str, str]]:
        """The loaded samplers, schedulers and benchmarks: kind, name, bundle, version, state, description."""
        return [{"kind": p.kind, "name": p.name, "bundle": p.bundle, "version": p.version, "state": p.state,
                 "description": p.description}
                for p in self.call("ListPlugins", pb.ListPluginsRequest()).plugins]


def new_request_id() -> str:
    return uuid.uuid4().hex


__all__ = ["Client", "IDEMPOTENT", "channel_target", "to_value"]
