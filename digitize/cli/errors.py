"""The command line's one error handler: an error from the tree becomes one line on stderr and the
exit code of its kind (`ExitCode`); a traceback only with --debug. Commands just raise."""
from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from rich.console import Console
from rich.markup import escape

from digitize.errors import DigitizeError, ExitCode, InternalError

_stderr = Console(stderr=True)


def report(exc: DigitizeError, debug: bool = False) -> int:
    """Print `error: <where>: <reason>` (and, with --debug, the traceback of an internal error);
    return the exit code."""
    _stderr.print(f"[red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    trace = getattr(exc, "trace", "")
    if debug and trace:
        _stderr.print(trace, highlight=False, markup=False)
    return int(exc.exit_code)


def run_cli(app: Callable[[], object], argv: Sequence[str] | None = None) -> None:
    """Run the typer app as the console entry point does, under the one handler."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        app()
    except DigitizeError as e:
        sys.exit(report(e, debug))
    except Exception as e:  # a bug: one line, the traceback with --debug
        sys.exit(report(InternalError.wrap("digitize", e), debug))
    except KeyboardInterrupt:
        sys.exit(ExitCode.INTERRUPTED)
    sys.exit(ExitCode.OK)
