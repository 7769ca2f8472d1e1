"""Writing outputs so that a failure or an interruption never leaves them half-written.

Three ways in, one discipline: everything is written to temporary names first, and only
when all of it is complete is it put in place, with Ctrl-C and SIGTERM held back for the
few renames that do that. Temporary names start with a dot and carry the process id, so a
later run can tell a stale leftover (its process is gone) from a concurrent run, and
removes it.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_STAGE = ".migkg-stage-"
_OLD = ".migkg-old-"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Files get the mode the user's umask gives new files (mkstemp alone would give 0600).
FILE_MODE = 0o666 & ~_umask()
DIR_MODE = 0o777 & ~_umask()


def write_error(e: OSError, target: Path) -> OutputError:
    """An OSError while writing, as the user-facing error (exit 2)."""
    where = e.filename or target
    if e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return OutputError(
            f"cannot write {where}: {e.strerror}; nothing was changed in {target}",
            hint="free some disk space (or raise the quota) and run again, or choose another folder with --out",
        )
    return OutputError(
        f"cannot write {where}: {e.strerror}; nothing was changed in {target}", hint="choose another folder with --out"
    )


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back until the block is done (they are acted on right after).

    Blocking the signals with a thread mask would not do: the kernel may deliver them to any
    thread (a progress spinner's, say), and Python then runs the handler in the main thread
    anyway. So the block swaps in handlers that only note the signal, and hands it to the
    previous handler once the block is over.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread can change handlers; its renames are the ones that matter
        return
    noted: list[int] = []
    previous = {s: signal.signal(s, lambda signum, frame: noted.append(signum)) for s in HELD_SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if noted:
            handler = previous[noted[0]]
            if callable(handler):
                handler(noted[0], None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(noted[0])


def check_writable(folder: Path) -> None:
    """Create the folder if needed; fail early, with a clear message, if it cannot be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(
            f"cannot create output folder {folder}: {e.strerror}", hint="choose another folder with --out"
        ) from None
    if not folder.is_dir():
        raise OutputError(f"{folder} is not a folder", hint="choose another folder with --out")
    # Probe with a real file: permission bits say nothing for root, and some file systems
    # (read-only mounts, /proc) refuse writes whatever the bits say.
    try:
        fd, probe = tempfile.mkstemp(prefix=".migkg-probe-", dir=folder)
    except OSError as e:
        raise OutputError(
            f"cannot write to output folder {folder}: {e.strerror}", hint="choose another folder with --out"
        ) from None
    os.close(fd)
    os.unlink(probe)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _leftovers(parent: Path, name: str, kind: str) -> list[Path]:
    pattern = re.compile(re.escape(f".{name}{kind}") + r"(\d+)-")
    found = []
    try:
        entries = list(parent.iterdir())
    except OSError:
        return []
    for p in entries:
        m = pattern.match(p.name)
        if m and not _pid_alive(int(m.group(1))):
            found.append(p)
    return found


def clean_leftovers(target: Path) -> None:
    """Remove what an interrupted earlier run left beside `target`; restore it if only its old copy survives."""
    parent, name = target.parent, target.name
    for old in _leftovers(parent, name, _OLD):
        if not target.exists():
            os.replace(old, target)  # the swap was cut between its two renames
        else:
            shutil.rmtree(old, ignore_errors=True)
    for stage in _leftovers(parent, name, _STAGE):
        shutil.rmtree(stage, ignore_errors=True)
    # Stages inside the folder were written by versions before 2026-12; they are never complete.
    for p in target.glob(".migkg-*") if target.is_dir() else []:
        if p.is_dir() and re.fullmatch(r"\.migkg-[a-z0-9_]{8}", p.name):
            shutil.rmtree(p, ignore_errors=True)


def _refuse_unsafe_target(target: Path) -> None:
    here = Path.cwd().resolve()
    resolved = target.resolve()
    if resolved == here or resolved in here.parents or resolved == Path.home().resolve() or resolved == Path("/"):
        raise OutputError(
            f"refused: {target} is the current folder, one of its parents, or your home folder",
            hint="give --out a folder of its own, such as dist",
        )
    if os.path.ismount(resolved):
        raise OutputError(f"refused: {target} is a mount point", hint="give --out a folder inside it, such as dist")


@contextmanager
def staged_dir(target: Path, carry_over: bool = True) -> Iterator[Path]:
    """Yield an empty folder to write into; on success it replaces `target` in one rename.

    Anything in the old `target` that the new output does not have (say a crosscheck/ folder
    written by another command) is carried over, so only the outputs written here change;
    with `carry_over=False` the old folder is replaced wholly (a release: its checksums list
    every file it holds).
    """
    _refuse_unsafe_target(target)
    clean_leftovers(target)  # first: it may bring back the old folder an interrupted swap moved aside
    check_writable(target)
    parent = target.resolve().parent
    check_writable(parent)  # the swap renames in the parent folder
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}{_STAGE}{os.getpid()}-", dir=parent))
    os.chmod(stage, DIR_MODE)
    try:
        try:
            yield stage
        except OSError as e:
            raise write_error(e, target) from None
        old = parent / f".{target.name}{_OLD}{os.getpid()}-{stage.name.rsplit('-', 1)[-1]}"
        with signals_held():
            for item in target.iterdir() if carry_over else ():
                if not (stage / item.name).exists() and not item.name.startswith(".migkg-"):
                    os.replace(item, stage / item.name)
            os.replace(target, old)
            os.replace(stage, target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _fix_mode(path: Path) -> None:
    os.chmod(path, FILE_MODE)


def commit_files(files: Mapping[Path, str | bytes]) -> None:
    """Write several files so that either all are replaced or none is.

    Each is written in full under a temporary name beside its target; only then are they
    renamed into place, with signals held so an interruption cannot split the set. The old
    files are kept (as hard links, or copies) until every rename has worked, so a rename that
    fails half-way is undone.
    """
    staged: list[tuple[Path, Path]] = []
    kept: list[tuple[Path, Path | None]] = []  # (target, its old content or None if it was new)
    try:
        for path in files:
            if path.is_dir():
                raise OutputError(f"cannot write {path}: it is a folder", hint="remove it or choose another --out")
        for path, content in files.items():
            check_writable(path.parent)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}{_STAGE}{os.getpid()}-", dir=path.parent)
            staged.append((Path(tmp), path))
            data = content.encode("utf-8") if isinstance(content, str) else content
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            _fix_mode(Path(tmp))
        with signals_held():
            try:
                for tmp, path in staged:
                    kept.append((path, _keep_old(path)))
                    os.replace(tmp, path)
            except OSError:
                for path, old in reversed(kept):
                    if old is not None:
                        os.replace(old, path)
                    else:
                        path.unlink(missing_ok=True)
                kept.clear()
                raise
            staged.clear()
    except OSError as e:
        raise write_error(e, next(iter(files)).parent) from None
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        for _, old in kept:
            if old is not None:
                old.unlink(missing_ok=True)


def _keep_old(path: Path) -> Path | None:
    if not path.exists():
        return None
    old = path.with_name(f".{path.name}{_OLD}{os.getpid()}-{os.urandom(4).hex()}")
    try:
        os.link(path, old)
    except OSError:  # a file system without hard links
        shutil.copy2(path, old)
    return old


def write_text_atomic(path: Path, text: str) -> None:
    commit_files({path: text})
