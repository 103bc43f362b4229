"""The server's connection guard subclasses uvicorn's private httptools protocol: it runs only on releases it was
read against, and fails here, not in production, when uvicorn changes what it overrides or reads."""

from __future__ import annotations

import inspect
import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

from attentive_toolkit.server.connections import GuardedHttpToolsProtocol

REPO = Path(__file__).resolve().parents[2]
# What the subclass overrides, with the parameters it passes on (self included).
OVERRIDDEN = {
    "__init__": ["self", "config", "server_state", "app_state", "_loop"],
    "connection_made": ["self", "transport"],
    "connection_lost": ["self", "exc"],
    "data_received": ["self", "data"],
    "on_message_begin": ["self"],
    "on_headers_complete": ["self"],
    "on_message_complete": ["self"],
}
# What it reads of uvicorn's state, as set in the constructors.
PROTOCOL_STATE = ["self.loop", "self.connections", "self.transport", "self.cycle"]
CYCLE_STATE = ["self.keep_alive", "self.response_started", "self.response_complete"]


def checked_range() -> Requirement:
    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    (uvicorn,) = [Requirement(entry) for entry in dependencies if Requirement(entry).name == "uvicorn"]
    return uvicorn


def test_the_installed_uvicorn_is_one_the_subclass_was_checked_on() -> None:
    allowed = checked_range().specifier
    assert version("uvicorn") in allowed, f"uvicorn {version('uvicorn')} is outside the checked range {allowed}"
    # A range, not "any release": an upper bound below the next minor, where private classes may change.
    assert any(spec.operator == "<" for spec in allowed)
    assert not allowed.contains("0.56.0")


def test_every_overridden_method_still_exists_with_the_same_parameters() -> None:
    overridden = {name for name, value in vars(GuardedHttpToolsProtocol).items() if inspect.isfunction(value)} & set(
        dir(HttpToolsProtocol)
    )
    assert overridden == set(OVERRIDDEN)
    for name, parameters in OVERRIDDEN.items():
        assert list(inspect.signature(getattr(HttpToolsProtocol, name)).parameters) == parameters, name


def test_the_state_the_subclass_reads_is_still_set_by_uvicorn() -> None:
    protocol_source = inspect.getsource(HttpToolsProtocol.__init__)
    cycle_source = inspect.getsource(RequestResponseCycle.__init__)
    for attribute in PROTOCOL_STATE:
        assert f"{attribute} =" in protocol_source or f"{attribute}: " in protocol_source, attribute
    for attribute in CYCLE_STATE:
        assert f"{attribute} =" in cycle_source, attribute
