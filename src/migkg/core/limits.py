"""The limits every entry point applies before it parses anything, in one place.

Parsers written as recursive descent (Oxigraph's SPARQL and JSON-LD parsers, rdflib's SPARQL
parser) end the process with a stack overflow on deep enough input, and an XML entity can
expand a small file into gigabytes. So input is measured first: its size, its bracket
nesting, and for RDF/XML its entity declarations and amplification. Each limit has a
default that is far above anything real data needs, and an environment variable to change it.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import stat
from pathlib import Path
from dataclasses import dataclass

from .errors import MigkgError


class LimitExceeded(MigkgError):
    """An input over one of the documented limits. Exit 2, like any other input error."""


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise MigkgError(f"environment variable {name}={raw!r} is not a whole number", hint=f"unset it or give a number, e.g. {default}") from None
    if value <= 0:
        raise MigkgError(f"environment variable {name}={raw!r} must be positive", hint=f"unset it or give a number, e.g. {default}")
    return value


# Each limit once: its environment variable and its default (see README "Limits on input").
DEFAULTS = {
    "max_input_bytes": ("MIGKG_MAX_INPUT_BYTES", 512 * 1024 * 1024),  # one data or table file
    "max_query_bytes": ("MIGKG_MAX_QUERY_BYTES", 1_000_000),  # one SPARQL query text
    "max_depth": ("MIGKG_MAX_DEPTH", 100),  # brackets in SPARQL, JSON-LD, Turtle; elements in RDF/XML
    "max_xml_amplification": ("MIGKG_MAX_XML_AMPLIFICATION", 10),  # how far entities may multiply RDF/XML
}
ENV_VARS = {name: var for name, (var, _) in DEFAULTS.items()}


@dataclass(frozen=True)
class Limits:
    max_input_bytes: int
    max_query_bytes: int
    max_depth: int
    max_xml_amplification: int

    @classmethod
    def from_env(cls) -> "Limits":
        return cls(**{name: _env_int(var, default) for name, (var, default) in DEFAULTS.items()})


def limits() -> Limits:
    """The limits in force now (read from the environment each time, so tests and users can change them)."""
    return Limits.from_env()


def exceeded(what: str, limit_name: str, limit: int) -> LimitExceeded:
    """The error for an input over a limit: `what` says where and by how much."""
    var = ENV_VARS[limit_name]
    return LimitExceeded(
        f"{what}, over the limit of {limit:,} ({var})",
        hint=f"if the input is genuine, raise the limit, e.g. {var}={limit * 4}",
    )


# --- nesting depth, measured on the tokens that matter ----------------------------------

# SPARQL and the Turtle family share their lexical rules: comments run to the end of the
# line, strings come in four quotings, IRIs may hold brackets, and a backslash outside a
# string escapes the next character (a prefixed name such as ex:a\# is not a comment).
_TURTLE_TOKENS = re.compile(
    r"#[^\n\r]*"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r"|<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>"
    r"|\\."
    r"|[(\[{]|[)\]}]",
    re.DOTALL,
)
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]', re.DOTALL)
_OPEN = frozenset("([{")
_CLOSE = frozenset(")]}")


def _max_depth(tokens: re.Pattern, text: str, stop_at: int) -> tuple[int, int]:
    """The deepest bracket nesting (stopping once past `stop_at`) and the offset where it was reached."""
    depth = deepest = where = 0
    for m in tokens.finditer(text):
        tok = m.group()
        if tok in _OPEN:
            depth += 1
            if depth > deepest:
                deepest, where = depth, m.start()
                if deepest > stop_at:
                    break
        elif tok in _CLOSE and depth:
            depth -= 1
    return deepest, where


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def check_depth(text: str, where: str, syntax: str = "turtle") -> None:
    """Refuse text nested deeper than the limit. `syntax` is 'turtle' (also SPARQL) or 'json'."""
    limit = limits().max_depth
    if text.count("(") + text.count("[") + text.count("{") <= limit:
        return  # nesting cannot be deeper than the number of opening brackets: spare the scan
    tokens = _JSON_TOKENS if syntax == "json" else _TURTLE_TOKENS
    deepest, offset = _max_depth(tokens, text, limit)
    if deepest > limit:
        line, col = _line_col(text, offset)
        raise exceeded(f"{where}:{line}:{col}: brackets are nested more than {limit} deep", "max_depth", limit)


# --- size -------------------------------------------------------------------------------


def read_bytes_limited(path: Path, limit_name: str = "max_input_bytes") -> bytes:
    """A file's bytes, refusing what is not a regular file and anything over the size limit.

    The check is on the opened file, so a link to /dev/zero or a FIFO is refused rather than
    read until memory runs out, and the read itself stops one byte past the limit.
    """
    limit = getattr(limits(), limit_name)
    try:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise MigkgError(
                    f"{path}: not a regular file (a device, pipe or folder)", hint="give the path of a data file"
                )
            if st.st_size > limit:
                raise exceeded(f"{path}: the file has {st.st_size:,} bytes", limit_name, limit)
            data = f.read(limit + 1)
    except OSError as e:
        raise MigkgError(f"{path}: cannot read file ({e.strerror})") from None
    if len(data) > limit:  # the file grew while it was read
        raise exceeded(f"{path}: the file has more than {limit:,} bytes", limit_name, limit)
    return data


def read_gzip_limited(path: Path, limit_name: str = "max_input_bytes") -> bytes:
    """A gzip file's content, decompressed. The compressed file is read as `read_bytes_limited`
    reads any file, and decompressing stops a block past the limit: a small .gz can expand to gigabytes."""
    limit = getattr(limits(), limit_name)
    packed = read_bytes_limited(path, limit_name)
    out = bytearray()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(packed)) as f:
            while block := f.read(1 << 20):
                out += block
                if len(out) > limit:
                    raise exceeded(f"{path} expands past {limit:,} bytes", limit_name, limit)
    except (OSError, EOFError) as e:  # gzip.BadGzipFile is an OSError; EOFError: cut short
        raise MigkgError(f"{path}: not a readable gzip file ({e})", hint="write it again") from None
    return bytes(out)


def decode_utf8(data: bytes, where: str) -> str:
    """Text from UTF-8 bytes, or an error naming the line and column of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise MigkgError(
            f"{where}:{line}:{col}: not UTF-8 text (byte 0x{data[e.start]:02x})",
            hint="save the file as UTF-8 (for example: iconv -f latin1 -t utf-8)",
        ) from None
