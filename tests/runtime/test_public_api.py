"""The public surface: `__all__` is exactly what the package exposes, and each name works."""

from __future__ import annotations

import inspect
import types
import warnings

import spoki_actions


def test_all_matches_the_public_surface() -> None:
    public = {name for name, value in vars(spoki_actions).items()
              if not name.startswith("_") and not isinstance(value, types.ModuleType) and name != "annotations"}
    assert public | {"__version__"} == set(spoki_actions.__all__)
    for name in spoki_actions.__all__:
        assert getattr(spoki_actions, name) is not None


def test_entry_points_keep_their_names_and_shapes() -> None:
    sig = inspect.signature(spoki_actions.run_action)
    assert list(sig.parameters) == ["name", "params", "client"]
    assert sig.parameters["client"].kind is inspect.Parameter.KEYWORD_ONLY
    assert inspect.iscoroutinefunction(spoki_actions.arun_action)
    assert inspect.iscoroutinefunction(spoki_actions.AsyncClient.run)
    for cls in (spoki_actions.Client, spoki_actions.AsyncClient):
        params = inspect.signature(cls).parameters
        assert list(params)[:2] == ["api_key", "base_url"]
        assert {"timeout", "max_retries", "transport", "catalogue", "strict", "pace", "cache", "clock",
                "sleep"} <= set(params)


def test_the_error_tree() -> None:
    e = spoki_actions
    assert issubclass(e.ActionFailed, e.SpokiError) and issubclass(e.SpecError, e.SpokiError)
    assert issubclass(e.ConfigurationError, e.SpokiError)
    for cls in (e.UnknownActionError, e.InputError, e.ApiError, e.TransportError, e.InvalidResponseError):
        assert issubclass(cls, e.ActionFailed)
    for cls in (e.BadRequestError, e.AuthError, e.NotFoundError, e.RateLimitedError, e.UpstreamError):
        assert issubclass(cls, e.ApiError)


def test_no_warnings_on_import() -> None:
    import importlib

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        importlib.reload(spoki_actions)
