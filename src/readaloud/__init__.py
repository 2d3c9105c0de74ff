"""readaloud: turn articles into podcast-ready, accessible audio."""

__version__ = "0.1.0"
