"""The one error hierarchy: the CLI prints these as `Error: ...` without a traceback."""


class ReadaloudError(Exception):
    """Something the user can act on; the message says what happened and what to do."""

    exit_code = 1


class InputError(ReadaloudError):
    """The source cannot be read or holds no article."""


class NetworkError(ReadaloudError):
    """A URL or an online engine could not be reached."""


class EngineError(ReadaloudError):
    """A speech engine is missing, misconfigured or failed."""


class AudioError(ReadaloudError):
    """Assembling, normalizing or encoding audio failed."""


class ConfigError(ReadaloudError):
    """A preset, lexicon or config file is invalid."""


class OutputError(ReadaloudError):
    """An output file or folder cannot be written there."""


class UsageError(ReadaloudError):
    """The call itself is wrong (e.g. no source given): exit code 2, like a command-line usage error."""

    exit_code = 2
