"""Search spaces as plain Python, and typed conversion of values to and from the wire.

A space is a dict from parameter name to a domain, in declaration order::

    {"lr": Float(1e-5, 1e-1, log=True),
     "width": Int(16, 512, log=True),
     "optimizer": ["adam", "sgd"],                 # a plain list is a categorical
     "momentum": Float(0.0, 0.99, when=("optimizer", ["sgd"])),
     "batchnorm": [True, False]}

Values come back with the declared types: ``int`` for Int, ``float`` for Float, and each
categorical/ordinal choice as declared (bool, int, float or str). Booleans travel as the
strings ``"true"``/``"false"``; a categorical or ordinal whose choices are all booleans is
read back as ``bool``.
"""
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ._proto import pb

Condition = Tuple[str, Sequence[Any]]


@dataclass(frozen=True)
class Float:
    """A real parameter in [low, high]; ``log`` samples log-uniformly (low > 0)."""
    low: float
    high: float
    log: bool = False
    when: Optional[Condition] = None  # (parent name, values of the parent that activate it)


@dataclass(frozen=True)
class Int:
    """An integer parameter in {low, low+step, ..., high}; ``log`` needs step 1."""
    low: int
    high: int
    step: int = 1
    log: bool = False
    when: Optional[Condition] = None


@dataclass(frozen=True)
class Categorical:
    """An unordered choice among bools, ints, floats or strings (a plain list means the same)."""
    choices: Sequence[Any]
    when: Optional[Condition] = None


@dataclass(frozen=True)
class Ordinal:
    """An ordered choice; samplers may treat neighbouring choices as close."""
    choices: Sequence[Any]
    when: Optional[Condition] = None


Domain = Union[Float, Int, Categorical, Ordinal, list, tuple]
Space = Mapping[str, Domain]


def to_value(v: Any) -> "pb.Value":
    """A Python bool/int/float/str as a wire Value."""
    if isinstance(v, bool):
        return pb.Value(string_value="true" if v else "false")
    if isinstance(v, int):
        return pb.Value(int_value=v)
    if isinstance(v, float):
        return pb.Value(float_value=v)
    if isinstance(v, str):
        return pb.Value(string_value=v)
    raise TypeError(f"a parameter value must be bool, int, float or str, not {type(v).__name__}: {v!r}")


def _raw(v: "pb.Value") -> Any:
    kind = v.WhichOneof("kind")
    return getattr(v, kind) if kind else None


def _domain(d: Domain, name: str):
    if isinstance(d, (list, tuple)):
        return Categorical(list(d))
    if isinstance(d, (Float, Int, Categorical, Ordinal)):
        return d
    raise TypeError(f"space[{name!r}]: expected Float, Int, Categorical, Ordinal or a list of choices, got {d!r}")


def to_search_space(space: Space) -> "pb.SearchSpace":
    """The wire form of a plain-Python space (dict name -> domain, in order)."""
    if not isinstance(space, Mapping) or not space:
        raise TypeError("space: expected a non-empty dict of parameter name -> domain")
    out = pb.SearchSpace()
    for name, raw in space.items():
        d = _domain(raw, name)
        p = out.params.add(name=name)
        if isinstance(d, Float):
            p.float.CopyFrom(pb.FloatDomain(low=float(d.low), high=float(d.high), log=d.log))
        elif isinstance(d, Int):
            p.int.CopyFrom(pb.IntDomain(low=int(d.low), high=int(d.high), step=int(d.step), log=d.log))
        elif isinstance(d, Categorical):
            p.categorical.CopyFrom(pb.CategoricalDomain(choices=[to_value(c) for c in d.choices]))
        else:
            p.ordinal.CopyFrom(pb.OrdinalDomain(choices=[to_value(c) for c in d.choices]))
        if d.when is not None:
            parent, values = d.when
            if isinstance(values, (str, bytes, bool, int, float)):
                values = [values]
            p.condition.CopyFrom(pb.Condition(parent=parent, values=[to_value(v) for v in values]))
    return out


class Decoder:
    """Reads wire configurations back with the types the study's space declares."""

    def __init__(self, space: "pb.SearchSpace"):
        self._kinds: Dict[str, str] = {}
        self._bools = set()
        for p in space.params:
            kind = p.WhichOneof("domain")
            self._kinds[p.name] = kind
            if kind in ("categorical", "ordinal"):
                choices = [_raw(c) for c in getattr(p, kind).choices]
                if choices and all(c in ("true", "false") for c in choices):
                    self._bools.add(p.name)

    def value(self, name: str, v: "pb.Value") -> Any:
        raw = _raw(v)
        kind = self._kinds.get(name)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if name in self._bools:
            return raw == "true"
        return raw

    def config(self, params: Sequence["pb.ParameterValue"]) -> Dict[str, Any]:
        return {p.name: self.value(p.name, p.value) for p in params}


def space_to_python(space: "pb.SearchSpace") -> Dict[str, Domain]:
    """The plain-Python form of a study's space (as ``to_search_space`` takes it)."""
    dec = Decoder(space)
    out: Dict[str, Domain] = {}
    for p in space.params:
        kind = p.WhichOneof("domain")
        when = None
        if p.HasField("condition"):
            when = (p.condition.parent, [dec.value(p.condition.parent, v) for v in p.condition.values])
        if kind == "float":
            out[p.name] = Float(p.float.low, p.float.high, p.float.log, when)
        elif kind == "int":
            out[p.name] = Int(p.int.low, p.int.high, p.int.step or 1, p.int.log, when)
        else:
            choices: List[Any] = [dec.value(p.name, c) for c in getattr(p, kind).choices]
            out[p.name] = (Categorical if kind == "categorical" else Ordinal)(choices, when)
    return out
