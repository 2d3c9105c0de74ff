"""`python -m readaloud` runs the command line."""

from .cli import main

main()
