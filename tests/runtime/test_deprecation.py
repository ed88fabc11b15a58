"""Deprecated actions still run and warn, naming the reason (and the replacement when there is one),
pointing the warning at the caller's line."""

from __future__ import annotations

import dataclasses
import warnings

import httpx
import pytest

from spoki_actions import Client, run_action, run_action_or_raise
from spoki_actions._registry import load
from spoki_actions.spec import Deprecation

from .rt_support import FakeApi


def test_deprecated_actions_run_and_warn_at_the_caller(api: FakeApi, client: Client) -> None:
    api.json("GET", "partners/", {"count": 0, "next": None, "previous": None, "results": []})
    with pytest.warns(DeprecationWarning) as warned:
        envelope = client.run("SPOKI_SPOKI_LIST_PARTNERS")
        run_action("SPOKI_SPOKI_LIST_PARTNERS", client=client)
        client.execute("SPOKI_SPOKI_LIST_PARTNERS")
        run_action_or_raise("SPOKI_SPOKI_LIST_PARTNERS", client=client)
    assert envelope["successful"] and len(api.requests) == 4
    assert [w.filename for w in warned] == [__file__] * 4
    assert str(warned[0].message) == ("Deprecated: SPOKI_SPOKI_LIST_PARTNERS is a placeholder in the Spoki catalogue; "
                                      "it needs a partner-level API key and its output is not documented.")


def test_the_replacement_is_named(api: FakeApi) -> None:
    catalogue = load().catalogue
    tags = catalogue.actions["SPOKI_SPOKI_LIST_TAGS"]
    old = dataclasses.replace(tags, behaviour=dataclasses.replace(
        tags.behaviour, deprecated=Deprecation("kept for the old catalogue.", "SPOKI_LIST_TAGS")))
    api.json("GET", "tags/", {"count": 0, "results": []})
    client = Client(catalogue=dataclasses.replace(catalogue, actions={**catalogue.actions, tags.name: old}),
                    transport=httpx.MockTransport(api))
    with pytest.warns(DeprecationWarning) as warned:
        assert client.run("SPOKI_SPOKI_LIST_TAGS")["successful"]
    assert str(warned[0].message) == ("SPOKI_SPOKI_LIST_TAGS is deprecated: kept for the old catalogue. "
                                      "Use SPOKI_LIST_TAGS instead.")


def test_other_actions_do_not_warn(api: FakeApi, client: Client) -> None:
    api.json("GET", "tags/", {"count": 0, "results": []})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.run("SPOKI_LIST_TAGS")


def test_the_warning_points_at_the_caller_through_the_generated_bindings(api: FakeApi, client: Client) -> None:
    from spoki_actions.generated.actions import spoki_list_partners

    api.json("GET", "partners/", {"count": 0, "next": None, "previous": None, "results": []})
    with pytest.warns(DeprecationWarning) as warned:
        assert spoki_list_partners(client=client).successful
    assert [w.filename for w in warned] == [__file__]
