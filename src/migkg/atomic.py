"""Writing outputs so that a failure never leaves a half-written file behind."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError


def check_writable(folder: Path) -> None:
    """Create the folder if needed; fail early, with a clear message, if it cannot be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(
            f"cannot create output folder {folder}: {e.strerror}", hint="choose another folder with --out"
        ) from None
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


@contextmanager
def staged_dir(target: Path):
    """Yield a temporary folder beside `target`; on success move each file into `target`."""
    check_writable(target)
    stage = Path(tempfile.mkdtemp(prefix=".migkg-", dir=target))
    try:
        yield stage
        for item in sorted(stage.rglob("*")):
            if item.is_file():
                dest = target / item.relative_to(stage)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(item, dest)  # atomic on one file system
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def write_text_atomic(path: Path, text: str) -> None:
    check_writable(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
