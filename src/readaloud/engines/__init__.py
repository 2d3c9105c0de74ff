"""Speech engines (plugins): the contract, the registry and the built-in engines."""

from .base import Capabilities, Engine
from .registry import available_engines, get_engine, register_engine

__all__ = ["Capabilities", "Engine", "available_engines", "get_engine", "register_engine"]
