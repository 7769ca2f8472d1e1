"""The command line's one error boundary: what each way of ending becomes, as an exit code.

0 success · 1 violations or problems found in the data · 2 a usage or input error (every
MigkgError says which) · 70 a bug in migkg · 130 / 143 interrupted by Ctrl-C / SIGTERM.
A library error is shown once, here, with its details and hint; never as a traceback.
"""

from __future__ import annotations

import _thread
import os
import signal
import sys
import threading
from collections.abc import Callable

from . import terminal
from .core.errors import MigkgError
from .core.execution import Abandoned

EXIT_INTERRUPTED = {signal.SIGINT: 130, signal.SIGTERM: 143}  # 128 + the signal's number, as shells report it
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in migkg, not a mistake of the user's


def _on_signal(signum, frame) -> None:
    # Raised where the program is, so every `finally` runs: staged outputs are removed,
    # temporary folders deleted, query workers stopped. Outputs are never left half-moved,
    # because the final renames hold these signals back until they are done.
    raise SystemExit(EXIT_INTERRUPTED[signum])


def _unraisable(hook) -> None:
    """A signal that arrives inside a weakref callback or a __del__ cannot end the program there:
    Python would print "Exception ignored" with a traceback and carry on. Deliver it again
    instead, to be handled at the next point where it can be."""
    exc = hook.exc_value
    if isinstance(exc, SystemExit) and exc.code in EXIT_INTERRUPTED.values():
        _deliver_later({code: signum for signum, code in EXIT_INTERRUPTED.items()}[exc.code])
        return
    if isinstance(exc, KeyboardInterrupt):
        _deliver_later(signal.SIGINT)
        return
    sys.__unraisablehook__(hook)


def _deliver_later(signum: int) -> None:
    # Raised here and now, the signal's handler would run inside this hook, and its SystemExit
    # would be "ignored" in turn (a full run caught that). From another thread, a moment later,
    # the main thread meets it once the hook has returned.
    threading.Timer(0.01, _thread.interrupt_main, (signum,)).start()


def _finish(code: int) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    if Abandoned.any_alive():  # a query still running in native code: do not wait for it
        os._exit(code)
    sys.exit(code)


def run(app: Callable[[], None]) -> None:
    """Run the command-line app; whatever happens, end the process with the documented exit code."""
    for signum in EXIT_INTERRUPTED:
        signal.signal(signum, _on_signal)
    sys.unraisablehook = _unraisable
    try:
        app()
    except MigkgError as e:  # every library error, whichever command raised it
        terminal.show_error(e)
        _finish(e.exit_code)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if code in EXIT_INTERRUPTED.values():
            terminal.err.print("interrupted; outputs are as they were before this run", highlight=False)
        _finish(code)
    except KeyboardInterrupt:
        terminal.err.print("interrupted; outputs are as they were before this run", highlight=False)
        _finish(EXIT_INTERRUPTED[signal.SIGINT])
    except BrokenPipeError:
        # The reader went away (`migkg query ... | head`): not an error worth a message.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        _finish(1)
    except MemoryError:
        terminal.err.print("error: out of memory", style="bold red", highlight=False)
        terminal.err.print("  hint: lower the input sizes or raise the limits only as far as the machine allows", highlight=False)
        _finish(2)
    except Exception as e:  # a bug: say so plainly; the traceback only on request
        if os.environ.get("MIGKG_DEBUG"):
            raise
        terminal.err.print(f"internal error: {type(e).__name__}: {e}", style="bold red", highlight=False, markup=False)
        terminal.err.print(
            "  hint: this is a bug in migkg, not in your input; please report it with the command you ran "
            "(MIGKG_DEBUG=1 shows the traceback)",
            highlight=False,
        )
        _finish(EXIT_INTERNAL)
