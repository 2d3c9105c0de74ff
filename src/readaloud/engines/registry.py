"""The engine registry: the `readaloud.engines` entry point group, nothing else. Built-in engines
register there like any plugin; tests can also call `register_engine` directly."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from importlib.metadata import entry_points

from ..errors import EngineError
from .base import Engine

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "readaloud.engines"

_lock = threading.RLock()
_factories: dict[str, Callable[[], Engine]] = {}
_instances: dict[str, Engine] = {}
_broken: dict[str, str] = {}
_discovered = False


def register_engine(name: str, cls: Callable[[], Engine]) -> None:
    """Register (or replace) an engine class or zero-argument factory under `name`."""
    with _lock:
        _discover()
        _factories[name] = cls
        _instances.pop(name, None)
        _broken.pop(name, None)


def unregister_engine(name: str) -> None:
    """Forget an engine registered under `name` (for tests)."""
    with _lock:
        _factories.pop(name, None)
        _instances.pop(name, None)
        _broken.pop(name, None)


def refresh() -> None:
    """Read the entry points again (after installing a plugin in a running process)."""
    global _discovered
    with _lock:
        _discovered = False
        _factories.clear()
        _instances.clear()
        _broken.clear()
        _discover()


def engine_class(name: str):
    """The class (or factory) registered as `name`, without starting it; None when unknown."""
    with _lock:
        _discover()
        return _factories.get(name)


def engine_names() -> list[str]:
    """Names of every declared engine, loadable or not, sorted (for help texts)."""
    with _lock:
        _discover()
        return sorted(set(_factories) | set(_broken))


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    _discovered = True
    # Built-in engines are declared in pyproject.toml exactly like third-party plugins.
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        name = ep.name
        try:
            _factories[name] = ep.load()
        except Exception as exc:  # a broken plugin must not break the CLI
            logger.warning("Engine plugin %s (%s) failed to load: %s", name, ep.value, exc)
            _broken[name] = f"plugin {ep.value} failed to load: {exc}"


def _instance(name: str) -> Engine:
    engine = _instances.get(name)
    if engine is None:
        engine = _factories[name]()
        if not engine.name:
            engine.name = name
        _instances[name] = engine
    return engine


def available_engines() -> dict[str, Engine]:
    """Every engine that could be loaded, by name (ready or not: ask `check()`)."""
    with _lock:
        _discover()
        engines = {}
        for name in sorted(_factories):
            try:
                engines[name] = _instance(name)
            except Exception as exc:
                logger.warning("Engine %s failed to start: %s", name, exc)
                _broken[name] = f"failed to start: {exc}"
        return engines


def broken_engines() -> dict[str, str]:
    """Engines that are declared but could not be loaded, with the reason."""
    with _lock:
        _discover()
        return dict(_broken)


def get_engine(name: str) -> Engine:
    """The engine registered as `name`; EngineError naming the known engines otherwise."""
    with _lock:
        _discover()
        if name in _factories:
            try:
                return _instance(name)
            except EngineError:
                raise
            except Exception as exc:
                raise EngineError(f"The {name} engine failed to start: {exc}") from exc
        if name in _broken:
            raise EngineError(f"The {name} engine is unavailable: {_broken[name]}")
        known = ", ".join(sorted(set(_factories) | set(_broken))) or "none"
        raise EngineError(f"Unknown engine '{name}'. Known engines: {known}.")
