"""Exceptions raised by the client."""
import re
from typing import Optional

import grpc

# The service starts every validation message with the path of the offending request field,
# e.g. "search_space.params[1].float.low: low (5.0) must be < high (1.0)".
_FIELD = re.compile(r"^([a-z_][a-z0-9_]*(?:\[\d+\])?(?:\.[a-z_][a-z0-9_]*(?:\[\d+\])?)*): ")
# Codes the service itself answers with a field-prefixed message; transport errors never carry one.
_SERVICE_CODES = {grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND, grpc.StatusCode.ALREADY_EXISTS,
                  grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.OUT_OF_RANGE,
                  grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.RESOURCE_EXHAUSTED}


class HypatiaError(Exception):
    """A call the service (or the transport) refused.

    Attributes:
        code: the gRPC status code, e.g. ``grpc.StatusCode.INVALID_ARGUMENT``.
        field: the request field the service named (``"search_space.params[0].float.low"``),
            or None when the error names no field (transport errors, unknown studies, ...).
        message: the status description as the service sent it.
        method: the RPC that failed, e.g. ``"Tell"``.
    """

    def __init__(self, code: grpc.StatusCode, message: str, method: str = "", field: Optional[str] = None):
        self.code = code
        self.message = message
        self.method = method
        self.field = field
        where = f"{method}: " if method else ""
        super().__init__(f"{where}{code.name}: {message}")

    @classmethod
    def from_rpc_error(cls, err: grpc.RpcError, method: str = "") -> "HypatiaError":
        code = err.code() if hasattr(err, "code") else grpc.StatusCode.UNKNOWN
        message = (err.details() if hasattr(err, "details") else None) or str(err)
        field = None
        if code in _SERVICE_CODES:
            m = _FIELD.match(message)
            field = m.group(1) if m else None
        kind = _BY_CODE.get(code, cls)
        return kind(code, message, method, field)


class InvalidArgument(HypatiaError):
    """The request was malformed; ``field`` names the bad field."""


class NotFound(HypatiaError):
    """No such study or trial."""


class AlreadyExists(HypatiaError):
    """A study of that name exists (use ``load_if_exists=True`` to join it)."""


class FailedPrecondition(HypatiaError):
    """The trial's state does not allow the call (finished, paused, or a stale attempt)."""


class Unavailable(HypatiaError):
    """The service could not be reached (after the client's retries) or could not commit."""


class Unauthenticated(HypatiaError):
    """The service needs a bearer token (``Client(token=...)``) and got none, or one it does not know."""


class PermissionDenied(HypatiaError):
    """The token is valid but its role may not make this call (admin-only methods)."""


class ResourceExhausted(HypatiaError):
    """A limit or a tenant quota was reached; ``message`` names it."""


_BY_CODE = {grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument, grpc.StatusCode.NOT_FOUND: NotFound,
            grpc.StatusCode.ALREADY_EXISTS: AlreadyExists, grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
            grpc.StatusCode.UNAVAILABLE: Unavailable, grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
            grpc.StatusCode.PERMISSION_DENIED: PermissionDenied, grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhausted}


class TrialPruned(Exception):
    """Raise inside an objective or a ``with study.trial()`` block to end the trial as PRUNED
    (like ``optuna.TrialPruned``). Also raised by ``Trial.report(..., raise_on_stop=True)``."""
