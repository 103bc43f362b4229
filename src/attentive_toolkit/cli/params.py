"""Option types shared by the commands: values click would accept but no command can use."""

from __future__ import annotations

import math
from typing import Any

import click


class FiniteFloatRange(click.FloatRange):
    """click's FloatRange, without NaN and infinity: ``float("nan")`` passes every range check (each comparison is
    false), and a server told to wait NaN or infinite seconds fails later, far from the option that caused it."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number of seconds.", param, ctx)
        return number
