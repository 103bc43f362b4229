"""The public API of a generated ``attentive_client`` package, read statically with griffe.

Nothing is imported: two versions of the same package (before and after an update) are read side by side.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import griffe

from ..spec.generation import PACKAGE_NAME

# The four functions of an endpoint module take the same parameters; sync_detailed returns the full Response.
_ENDPOINT_FUNCTION = "sync_detailed"
# OpenStrEnum: the generated enums' base (types.py), a StrEnum that accepts values added after generation.
_ENUM_BASES = {"OpenStrEnum", "StrEnum", "IntEnum", "Enum"}
_UNSET = re.compile(r"\s*\|\s*Unset\b|\bUnset\s*\|\s*")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

Direction = Literal["request", "response", "both", "unused"]


@dataclass(frozen=True)
class Parameter:
    name: str
    annotation: str  # without ``| Unset``: required-ness is reported on its own
    required: bool
    keyword_only: bool


@dataclass(frozen=True)
class EndpointModule:
    """One endpoint module: ``attentive_client.api.<tag>.<name>``."""

    name: str
    path: str
    parameters: dict[str, Parameter]
    returns: str

    @property
    def return_types(self) -> set[str]:
        return _names(self.returns) - {"Response"}


@dataclass(frozen=True)
class ModelField:
    name: str
    annotation: str  # without the ``| Unset`` that only says the field is optional
    required: bool


@dataclass(frozen=True)
class Model:
    name: str
    path: str
    fields: dict[str, ModelField]


@dataclass(frozen=True)
class Enum:
    name: str
    path: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Surface:
    operations: dict[str, EndpointModule]
    models: dict[str, Model]
    enums: dict[str, Enum]
    directions: dict[str, Direction] = field(default_factory=dict)

    def direction(self, type_name: str) -> Direction:
        return self.directions.get(type_name, "unused")


def strip_unset(annotation: str) -> str:
    return _UNSET.sub("", annotation)


def load_package(generated: Path) -> griffe.Module:
    package = griffe.load(
        PACKAGE_NAME, search_paths=[generated], allow_inspection=False, store_source=False, resolve_aliases=False
    )
    if not isinstance(package, griffe.Module) or package.filepath is None:
        raise ValueError(f"{generated}: no {PACKAGE_NAME} package to read")
    filepath = package.filepath[0] if isinstance(package.filepath, list) else package.filepath
    if generated.resolve() not in filepath.resolve().parents:
        raise ValueError(f"{generated}: has no {PACKAGE_NAME}/ (griffe found {filepath} instead)")
    return package


def _modules(package: griffe.Module, folder: str) -> list[griffe.Module]:
    if folder not in package.members:
        return []
    found: list[griffe.Module] = []
    pending = [package.members[folder]]
    while pending:
        module = pending.pop()
        if not isinstance(module, griffe.Module):
            continue
        found.append(module)
        pending.extend(member for member in module.members.values() if isinstance(member, griffe.Module))
    return sorted(found, key=lambda module: module.path)


def _operation(module: griffe.Module) -> EndpointModule | None:
    function = module.members.get(_ENDPOINT_FUNCTION)
    if not isinstance(function, griffe.Function):
        return None
    parameters = {
        parameter.name: Parameter(
            name=parameter.name,
            annotation=strip_unset(str(parameter.annotation)),
            required=parameter.default is None,
            keyword_only=parameter.kind is griffe.ParameterKind.keyword_only,
        )
        for parameter in function.parameters
    }
    return EndpointModule(module.name, module.path, parameters, str(function.returns))


def _classes(module: griffe.Module) -> list[griffe.Class]:
    return [member for member in module.members.values() if isinstance(member, griffe.Class)]


def _literal(source: str) -> str:
    try:
        return str(ast.literal_eval(source))
    except (ValueError, SyntaxError):
        return source


def _enum(cls: griffe.Class) -> Enum:
    values = tuple(
        _literal(str(member.value))
        for member in cls.members.values()
        if isinstance(member, griffe.Attribute) and member.value is not None and not member.name.startswith("_")
    )
    return Enum(cls.name, cls.path, values)


def _model(cls: griffe.Class) -> Model:
    fields = {
        member.name: ModelField(member.name, strip_unset(str(member.annotation)), required=member.value is None)
        for member in cls.members.values()
        if isinstance(member, griffe.Attribute)
        and member.annotation is not None
        and "instance-attribute" in member.labels
    }
    return Model(cls.name, cls.path, fields)


def _names(annotation: str) -> set[str]:
    return set(_IDENTIFIER.findall(annotation))


def _directions(
    operations: dict[str, EndpointModule], models: dict[str, Model], enums: dict[str, Enum]
) -> dict[str, Direction]:
    """Whether callers send a type (it is reachable from a parameter), receive it (from a return type), or both."""
    known = models.keys() | enums.keys()

    def reachable(roots: set[str]) -> set[str]:
        seen: set[str] = set()
        pending = list(roots & known)
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in models:
                for model_field in models[name].fields.values():
                    pending.extend(_names(model_field.annotation) & known)
        return seen

    parameters = [parameter for op in operations.values() for parameter in op.parameters.values()]
    sent = reachable({name for parameter in parameters for name in _names(parameter.annotation)})
    received = reachable({name for op in operations.values() for name in _names(op.returns)})
    directions: dict[str, Direction] = {}
    for name in known:
        if name in sent and name in received:
            directions[name] = "both"
        elif name in sent:
            directions[name] = "request"
        elif name in received:
            directions[name] = "response"
    return directions


def read_surface(package: griffe.Module) -> Surface:
    """The operations, models and enums that a loaded ``attentive_client`` offers its callers."""
    operations = {}
    for module in _modules(package, "api"):
        operation = _operation(module)
        if operation is not None:
            operations[operation.name] = operation
    models: dict[str, Model] = {}
    enums: dict[str, Enum] = {}
    for module in _modules(package, "models"):
        for cls in _classes(module):
            if cls.name.startswith("_"):
                continue
            if {str(base).rsplit(".", 1)[-1] for base in cls.bases} & _ENUM_BASES:
                enums[cls.name] = _enum(cls)
            else:
                models[cls.name] = _model(cls)
    return Surface(operations, models, enums, _directions(operations, models, enums))
