"""A polite SPARQL client for Wikidata (or any endpoint): SPARQLWrapper with the settings
Wikidata asks for, retries that honour Retry-After, and an on-disk cache.

Why each setting: SPARQLWrapper's default User-Agent gets 403 (or an empty 200) from
Wikidata; it sets no timeout by default; it raises HTTP 429 as a bare urllib error;
Wikidata allows about 60 s of query time per minute per client.
"""

from __future__ import annotations

import hashlib
import json
import socket
import time
import urllib.error
from dataclasses import dataclass, field
from pathlib import Path

from SPARQLWrapper import GET, JSON, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, SPARQLWrapperException

from .. import __version__
from ..core.errors import MigkgError
from ..core.limits import LimitExceeded, check_depth, decode_utf8, exceeded, limits, read_bytes_limited

WIKIDATA = "https://query.wikidata.org/sparql"
USER_AGENT = f"migkg/{__version__} (knowledge graph of migration governance; https://w3id.org/migkg)"


class RemoteError(MigkgError):
    """The remote endpoint could not answer; says which endpoint and why."""


@dataclass
class ClientConfig:
    endpoint: str = WIKIDATA
    user_agent: str = USER_AGENT
    timeout: float = 60.0  # seconds per request
    retries: int = 3  # further attempts after the first
    backoff: float = 2.0  # seconds, doubled after each failed attempt
    max_wait: float = 120.0  # never sleep longer than this, whatever Retry-After says
    cache_dir: Path | None = None
    offline: bool = False  # answer from the cache only


@dataclass
class SparqlClient:
    config: ClientConfig = field(default_factory=ClientConfig)
    sleep: callable = time.sleep  # replaceable in tests
    log: list[str] = field(default_factory=list)  # what happened, for the caller to show

    def _cache_file(self, query: str) -> Path | None:
        if self.config.cache_dir is None:
            return None
        key = hashlib.sha256(f"{self.config.endpoint}\n{query}".encode()).hexdigest()
        return self.config.cache_dir / f"{key}.json"

    def select(self, query: str) -> list[dict[str, str]]:
        """Run a SELECT; rows as {variable: value}. Cached answers are used when present."""
        return self.select_table(query)[1]

    def select_table(self, query: str) -> tuple[list[str], list[dict[str, str]]]:
        """Run a SELECT; the result's variables in order, and rows as {variable: value}."""
        cached = self._cache_file(query)
        if cached is not None and cached.is_file():
            self.log.append(f"cache hit for a query to {self.config.endpoint}")
            try:
                data = json.loads(decode_utf8(read_bytes_limited(cached), str(cached)))
                return data["vars"], data["rows"]
            except (MigkgError, ValueError, KeyError, TypeError):
                self.log.append(f"ignored an unreadable cache file {cached}")  # asked again below
        if self.config.offline:
            raise RemoteError(
                f"offline, and no cached answer for this query to {self.config.endpoint}",
                hint="run once with network access to fill the cache, or drop --offline",
            )
        # Header comments stay home: SPARQLWrapper guesses the query type from the text, and a word
        # such as "added" in a comment can make it send the query as an update.
        variables, rows = self._fetch(
            "\n".join(line for line in query.splitlines() if not line.lstrip().startswith("#"))
        )
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(".tmp")
            tmp.write_text(
                json.dumps({"vars": variables, "rows": rows}, ensure_ascii=False, sort_keys=True), encoding="utf-8"
            )
            tmp.replace(cached)
        return variables, rows

    def _fetch(self, query: str) -> tuple[list[str], list[dict[str, str]]]:
        # The retries are written out rather than delegated to a retry library (tenacity, urllib3's
        # Retry): the wait must honour the server's Retry-After, every retry is logged for the
        # user, and `sleep` is injected so the tests run without waiting; a library would need
        # all three as custom hooks around a loop this size.
        wait = self.config.backoff
        last = ""
        for attempt in range(self.config.retries + 1):
            sw = SPARQLWrapper(self.config.endpoint, agent=self.config.user_agent)
            sw.setQuery(query)
            sw.setMethod(GET)  # queries are batched small enough for a URL; every endpoint accepts GET
            sw.setReturnFormat(JSON)
            sw.setTimeout(int(self.config.timeout))
            try:
                result = sw.query()
                lim = limits()
                raw = result.response.read(lim.max_input_bytes + 1)
                try:
                    if len(raw) > lim.max_input_bytes:
                        raise exceeded(f"{self.config.endpoint}: the answer is larger", "max_input_bytes", lim.max_input_bytes)
                    text = raw.decode("utf-8")
                    check_depth(text, self.config.endpoint, syntax="json")  # json.loads recurses
                    data = json.loads(text)
                    bindings = data["results"]["bindings"]
                    variables = list(data["head"]["vars"])
                except LimitExceeded:
                    raise
                except (ValueError, KeyError, TypeError) as e:
                    raise RemoteError(
                        f"{self.config.endpoint} answered with malformed SPARQL JSON ({type(e).__name__}: {e})",
                        hint="the endpoint may be overloaded or not a SPARQL endpoint; nothing was written",
                    ) from None
                return variables, [{k: v.get("value", "") for k, v in b.items()} for b in bindings]
            except urllib.error.HTTPError as e:
                if e.code in (429, 503):
                    retry_after = e.headers.get("Retry-After") if e.headers else None
                    delay = _retry_after_seconds(retry_after, wait)
                    last = f"HTTP {e.code} (rate limited{', Retry-After ' + retry_after if retry_after else ''})"
                elif e.code >= 500:
                    delay, last = wait, f"HTTP {e.code} {e.reason}"
                else:
                    raise RemoteError(f"{self.config.endpoint} refused the query: HTTP {e.code} {e.reason}") from None
            except EndPointInternalError:  # SPARQLWrapper's name for HTTP 500
                delay, last = wait, "HTTP 500 (server error)"
            except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError) as e:
                reason = getattr(e, "reason", e)
                delay, last = wait, f"no answer ({reason})"
            except SPARQLWrapperException as e:
                raise RemoteError(f"{self.config.endpoint} rejected the query: {e}") from None
            if attempt < self.config.retries:
                delay = min(delay, self.config.max_wait)
                self.log.append(f"{self.config.endpoint}: {last}; retrying in {delay:g} s")
                self.sleep(delay)
                wait *= 2
        raise RemoteError(
            f"{self.config.endpoint} did not answer after {self.config.retries + 1} attempts: {last}",
            hint="try again later, or use the cache with --offline",
        )


def _retry_after_seconds(header: str | None, default: float) -> float:
    if not header:
        return default
    try:
        return max(float(header), 0.0)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(parsedate_to_datetime(header).timestamp() - time.time(), 0.0)
        except (TypeError, ValueError):
            return default


def values_block(var: str, iris: list[str]) -> str:
    """A VALUES clause of IRIs, each checked to be an IRI, so nothing else can enter the query."""
    import pyoxigraph as ox

    terms = " ".join(str(ox.NamedNode(i)) for i in iris)  # NamedNode rejects anything that is not an IRI
    return f"VALUES ?{var} {{ {terms} }}"
