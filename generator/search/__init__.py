"""The Whoosh index behind `insights search`: the only Whoosh user."""

from __future__ import annotations

import functools
import importlib
import sys
import types
from typing import Any


def _light_cached_property() -> None:
    """Whoosh needs only `cached_property` from the package of that name, which imports asyncio
    (a third of Whoosh's import time, paid by every `insights search`). The standard library's
    does the same job; the package itself is still loaded for anyone asking for more of it."""
    if "cached_property" in sys.modules:
        return
    light = types.ModuleType("cached_property")
    light.cached_property = functools.cached_property  # type: ignore[attr-defined]

    def __getattr__(name: str) -> Any:  # anything else: the real package
        if name.startswith("__"):  # the import system asking about the module itself
            raise AttributeError(name)
        del sys.modules["cached_property"]
        return getattr(importlib.import_module("cached_property"), name)

    light.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules["cached_property"] = light


_light_cached_property()
