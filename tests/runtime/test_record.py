"""The records' quick `__init__` (`_record.quick_init`): the same frozen dataclass, built by writing its slots."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from dataclasses import dataclass

import pytest

from spoki_actions._outcome import Attempt, ErrorKind, InputProblem, Outcome
from spoki_actions._record import quick_init
from spoki_actions._request import Request
from spoki_actions._response import Failure, Reply


@quick_init
@dataclass(frozen=True, slots=True)
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlainPoint:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()


def test_a_quick_record_is_the_same_frozen_dataclass() -> None:
    p = Point(1, tags=("a",))
    plain = PlainPoint(1, tags=("a",))
    assert (p.x, p.y, p.tags) == (plain.x, plain.y, plain.tags) == (1, 0, ("a",))
    assert repr(p) == repr(plain).replace("PlainPoint", "Point")
    assert p == Point(x=1, y=0, tags=("a",)) and hash(p) == hash(Point(1, 0, ("a",)))
    assert dataclasses.replace(p, y=5) == Point(1, 5, ("a",))
    assert str(inspect.signature(Point)) == str(inspect.signature(PlainPoint))
    assert pickle.loads(pickle.dumps(p)) == p
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, 2, (), 4)  # type: ignore[call-arg]


def test_the_runtime_records_keep_their_signatures() -> None:
    for record in (Attempt, InputProblem, Outcome, Request, Reply, Failure):
        assert dataclasses.is_dataclass(record) and record.__dataclass_params__.frozen  # type: ignore[attr-defined]
        assert record.__init__.__qualname__ == f"{record.__name__}.__init__"
    outcome = Outcome("A", {"data": 1, "error": None, "successful": True}, status=200, attempts=1)
    assert (outcome.kind, outcome.retryable, outcome.history, outcome.requests) == (None, False, (), 0)
    assert Attempt(429, ErrorKind.RATE_LIMITED, 1.5) == Attempt(status=429, kind=ErrorKind.RATE_LIMITED, wait=1.5)


@pytest.mark.parametrize("options", [{"frozen": False, "slots": True}, {"frozen": True, "slots": False}])
def test_only_frozen_slotted_dataclasses_qualify(options: dict[str, bool]) -> None:
    with pytest.raises(TypeError, match="frozen, slotted dataclass"):
        quick_init(dataclass(**options)(type("Other", (), {"__annotations__": {"x": "int"}})))
