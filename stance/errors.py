"""User-facing errors: one line that names the file or option and the fix."""


class StanceError(Exception):
    """An error the CLI prints as one line (no traceback) before exiting non-zero."""

    exit_code = 2


class DataMissingError(StanceError):
    """Training or benchmark data under ../shared/data is absent."""
