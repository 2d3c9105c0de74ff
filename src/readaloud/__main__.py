"""`python -m readaloud` runs the command line."""

from .cli import main

# Guarded: Dask's worker processes start by spawning, which imports this module again.
if __name__ == "__main__":
    main()
