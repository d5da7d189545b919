"""aiogram's Telegram types built on first use instead of all of them at import.

`import aiogram.types` ends with a loop calling `model_rebuild()` on each of its ~450 pydantic
models (to resolve their forward references), and every call builds that model's validator and
serializer, each with the schemas of all the models it nests inlined (a `Message` holds most of
the Bot API). That is ~105 MB of a bot process's memory and ~0.6 s of its start, for models
such a bot never sees (passport data, giveaways, business connections...). Known upstream:
aiogram issue #1513.

The models are declared `defer_build=True` already: pydantic builds a model the first time it
is validated or serialised, provided it can then resolve the names in its annotations. So
`install()` lets aiogram's import run with `model_rebuild` recording the namespace aiogram
passes instead of building, and puts those names (every type, plus `Optional`, `Default`...)
into the globals of each `aiogram.types.*` and `aiogram.methods.*` module that lacks them,
which is where pydantic looks when it builds the model later. The names are the ones aiogram's
own loop resolves against, and a module's own names are never replaced, so the models that get
built are the same; only the moment changes. An `Update` and what the bot sends cost ~4 MB instead.

`install()` must run before anything imports `aiogram.types`: the `fairbot` command calls it
before loading a command that uses aiogram (bot/cli.py), and so does the test suite
(tests/__init__.py). If aiogram was imported first it does nothing, and the types are built
eagerly as usual.
tests/core/test_lazy_types.py builds every type and method lazily in a fresh interpreter and
compares their schemas with aiogram's eager build.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

_lock = threading.Lock()
installed = False
"""True once the types of this interpreter were imported without being built."""


def install() -> bool:
    """Import aiogram's types and methods without building them; True if this call did it."""
    global installed
    with _lock:
        if installed or "aiogram.types" in sys.modules:
            return False
        from pydantic import BaseModel

        eager = BaseModel.__dict__["model_rebuild"]
        namespace: dict[str, Any] = {}

        def deferred(cls: type[BaseModel], **kwargs: Any) -> bool | None:
            types_namespace = kwargs.get("_types_namespace")
            if types_namespace is not None and cls.__module__.startswith("aiogram.types."):
                namespace.update(types_namespace)
                return None
            return eager.__func__(cls, **kwargs)  # type: ignore[no-any-return]

        BaseModel.model_rebuild = classmethod(deferred)  # type: ignore[assignment,method-assign,arg-type]
        try:
            import aiogram.methods
            import aiogram.types  # noqa: F401
        finally:
            BaseModel.model_rebuild = eager  # type: ignore[method-assign]
        for name, module in list(sys.modules.items()):
            if name.startswith(("aiogram.types.", "aiogram.methods.")) and module is not None:
                scope = vars(module)
                for key, value in namespace.items():
                    scope.setdefault(key, value)
        installed = True
        return True


def warm_up() -> None:
    """Build the models every bot needs at once, so the first update does not wait for them."""
    from aiogram.types import Update

    Update.model_validate({"update_id": 0})
