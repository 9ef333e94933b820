"""The run's settings: a field left at its default is not re-checked, so every default must pass."""

from __future__ import annotations

import dataclasses
from typing import get_type_hints

import pytest
from pydantic import TypeAdapter

from gaai_graph.context import Context
from gaai_graph.errors import GaaiError


def test_every_default_passes_its_own_annotation_strictly() -> None:
    hints = get_type_hints(Context, include_extras=True)
    defaults = Context()
    for field in dataclasses.fields(Context):
        if field.name == "chat_model":  # an object the caller builds, never checked
            continue
        TypeAdapter(hints[field.name]).validate_python(getattr(defaults, field.name), strict=True)


def test_a_value_equal_to_the_default_but_of_another_type_is_refused() -> None:
    default = Context().top_k
    with pytest.raises(GaaiError, match="top_k"):
        Context(top_k=float(default))  # type: ignore[arg-type]  # equal to the default, but not an integer
    with pytest.raises(GaaiError, match="enable_parallelism"):
        Context(enable_parallelism=1)  # type: ignore[arg-type]  # == True, but not a boolean


def test_a_changed_value_is_still_checked() -> None:
    with pytest.raises(GaaiError, match="top_k"):
        Context(top_k="5")  # type: ignore[arg-type]
