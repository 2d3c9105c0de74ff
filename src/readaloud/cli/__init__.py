"""Command line: thin click commands over the Python API; errors become one `Error:` line."""

from __future__ import annotations

import logging
import sys

import click

from .._version import __version__
from ..errors import ReadaloudError
from ..fsutil import terminate_like_ctrl_c
from ..paths import OPTION_ENV_PREFIX
from .common import CONTEXT, fail
from .config import default_map
from .convert_cmd import convert
from .feed_cmd import feed
from .info_cmd import chapters, voices
from .script_cmd import script


@click.group(context_settings={**CONTEXT, "auto_envvar_prefix": OPTION_ENV_PREFIX})
@click.version_option(__version__, prog_name="readaloud")
@click.option("--debug", is_flag=True, help="Show debug logs and full tracebacks.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr; no progress bar.")
@click.pass_context
def main(ctx: click.Context, debug: bool, quiet: bool) -> None:
    """Turn articles into podcast-ready, accessible audio.

    SOURCE is a file (.html, .md, .txt, .ssml), an http(s) URL, or - for stdin.

    Every option of `script` and `convert` can also come from an environment variable
    READALOUD_<COMMAND>_<OPTION> (READALOUD_CONVERT_BITRATE=96k) or from the user config file
    (READALOUD_CONFIG, default config.toml in the user config folder); a flag wins over the
    variable, the variable over the file, the file over the voice preset.
    """
    level = logging.DEBUG if debug else logging.ERROR if quiet else logging.WARNING
    terminate_like_ctrl_c()
    # Libraries (trafilatura, htmldate ...) log what only a developer can act on ("discarding
    # data: None"): their records show with --debug only; readaloud's own at `level`.
    root_level = logging.DEBUG if debug else logging.CRITICAL + 1
    logging.basicConfig(level=root_level, format="%(levelname)s: %(message)s", stream=sys.stderr)
    logging.getLogger().setLevel(root_level)
    logging.getLogger("readaloud").setLevel(level)
    ctx.obj = {"debug": debug, "quiet": quiet}
    if ctx.invoked_subcommand in ("script", "convert"):
        # Option defaults from the user's config file (flag > env > config > preset > default).
        try:
            ctx.default_map = default_map(main.commands)
        except ReadaloudError as exc:
            fail(str(exc), exc.exit_code)


for _command in (script, voices, chapters, convert, feed):
    main.add_command(_command)
