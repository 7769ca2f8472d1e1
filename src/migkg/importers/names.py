"""Matching participant names as UNTC spells them to the project's actors."""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from .countries import CountryRow

ALIASES = Path(__file__).with_name("untc_participants.csv")


def normalise(name: str) -> str:
    name = name.replace("’", "'").replace("\u00a0", " ").strip()
    name = re.sub(r"\s*\*+$", "", name)
    name = re.sub(r"\s*\((the|l'|la|le|les|el|los|las)\)$", "", name, flags=re.IGNORECASE)
    name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", name).lower()


@dataclass(frozen=True)
class Actor:
    key: str  # ISO alpha-3 for a state, a slug for an organisation
    is_state: bool

    @property
    def path(self) -> str:
        return f"state/{self.key}" if self.is_state else f"organization/{self.key}"


class NameIndex:
    """Every English name the country table gives a state, plus the UNTC spellings in untc_participants.csv."""

    def __init__(self, rows: list[CountryRow], aliases: Path = ALIASES):
        self.names: dict[str, Actor] = {}
        self.display: dict[str, str] = {}
        for c in rows:
            for col in ("UNTERM English Short", "UNTERM English Formal", "official_name_en", "CLDR display name"):
                value = c.row.get(col, "").strip()
                if value:
                    self._add(value, Actor(c.iso3, True))
        with aliases.open(encoding="utf-8", newline="") as f:
            for a in csv.DictReader(f):
                actor = Actor(a["iso3"], True) if a["iso3"] else Actor(a["organization"], False)
                self._add(a["untc_name"], actor)

    def _add(self, name: str, actor: Actor) -> None:
        key = normalise(name)
        self.names.setdefault(key, actor)
        self.display.setdefault(key, re.sub(r"\s*\*+$", "", name.strip()))

    def actor(self, name: str) -> Actor | None:
        """The state or organisation a UNTC participant name stands for (None if unknown)."""
        return self.names.get(normalise(name))

    def suggest(self, name: str, n: int = 3) -> list[str]:
        close = difflib.get_close_matches(normalise(name), list(self.names), n=n, cutoff=0.6)
        return [self.display[c] for c in close]
