"""User-facing errors: each says what is wrong, where, and what to do."""

from __future__ import annotations


class MigkgError(Exception):
    """A mistake in the user's input or setup. The CLI prints it without a traceback."""

    exit_code = 2
    prefix = "error: "  # how the message is introduced; a verdict (violations found) has none

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def details(self) -> list[str]:
        """Lines to show before the message: each violation, problem or clash found, one per line."""
        return []

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class DataSyntaxError(MigkgError):
    """An RDF file that cannot be parsed."""


class QueryError(MigkgError):
    """An unknown query, a bad parameter, or a query the engine rejects."""


class OutboundRequestRefused(QueryError):
    """A query that would reach out to another server or file without the user's consent."""


class UpdateRefused(QueryError):
    """A SPARQL Update where only queries are allowed."""


class OutputError(MigkgError):
    """An output location that cannot be written."""
