"""Synthetic graphs shaped like migkg's, at any scale: treaties × states with realistic action
mixes and dates, forums with memberships, arrangements with parties and status changes, transfers.

Deterministic for a given seed. Everything generated is marked synthetic; it is never mixed
into graph/.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

ID = "https://w3id.org/migkg/id/"
M = "https://w3id.org/migkg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
CONSENT = ["ratification", "accession", "succession", "acceptance", "approval"]
CONSENT_WEIGHTS = [55, 35, 6, 2, 2]


def _iri(x: str) -> str:
    return f"<{x}>"


def _lit(v: str, dt: str | None = None, lang: str | None = None) -> str:
    v = v.replace("\\", "\\\\").replace('"', '\\"')
    if lang:
        return f'"{v}"@{lang}'
    return f'"{v}"^^<{XSD}{dt}>' if dt else f'"{v}"'


def _code(i: int) -> str:
    """A unique three-letter code in ISO 3166's user-assigned range XAA-XZZ (676 states at most)."""
    if not 0 <= i < 26 * 26:
        raise ValueError("the generator names at most 676 states")
    return "X" + chr(65 + i // 26) + chr(65 + i % 26)


def _date(rng: random.Random, start: date, years: int) -> date:
    return start + timedelta(days=rng.randrange(max(1, years * 365)))


def generate(
    path: Path,
    instruments: int = 560,
    states: int = 200,
    forums: int = 300,
    members_per_forum: int = 25,
    arrangements: int = 3000,
    transfers: int = 6000,
    seed: int = 7,
) -> int:
    """Write an N-Triples file; return the number of triples written."""
    rng = random.Random(seed)
    n = 0
    src = ID + "source/synthetic"
    with path.open("w", encoding="utf-8") as f:

        def t(s, p, o):
            nonlocal n
            f.write(f"{s} {p} {o} .\n")
            n += 1

        t(_iri(src), _iri(RDF_TYPE), _iri(M + "Source"))
        t(_iri(src), _iri("http://purl.org/dc/terms/title"), _lit("synthetic benchmark data", lang="en"))
        t(_iri(src), _iri(M + "accessedDate"), _lit("2026-11-22", "date"))
        # Five regions of three sub-regions each; a state's region follows from its sub-region.
        regions = [ID + f"m49/{900 + i:03d}" for i in range(5)]
        subregions = [ID + f"m49/{905 + i:03d}" for i in range(15)]
        for r in regions + subregions:
            t(_iri(r), _iri(RDF_TYPE), _iri(M + "GeographicArea"))
            t(_iri(r), _iri(LABEL), _lit(f"Region {r[-3:]}", lang="en"))
            t(_iri(r), _iri(M + "source"), _iri(src))
        state_iris = []
        for i in range(states):
            s = ID + f"state/S{i:03d}"
            sub = rng.randrange(len(subregions))
            state_iris.append(s)
            for p, o in (
                (RDF_TYPE, _iri(M + "State")),
                (LABEL, _lit(f"State {i}", lang="en")),
                (LABEL, _lit(f"国家{i}", lang="zh")),
                (M + "iso3166Alpha3", _lit(_code(i))),
                (M + "subRegion", _iri(subregions[sub])),
                (M + "region", _iri(regions[sub % 5])),
                (M + "source", _iri(src)),
            ):
                t(_iri(s), _iri(p), o)
        for k in range(instruments):
            inst = ID + f"instrument/X-{k + 1}"
            adopted = _date(rng, date(1946, 1, 1), 75)
            kind = "Convention" if k % 3 else "Protocol"
            for p, o in (
                (RDF_TYPE, _iri(M + kind)),
                (LABEL, _lit(f"Treaty {k + 1}", lang="en")),
                (M + "mtdsgNumber", _lit(f"X-{k + 1}")),
                (M + "adoptionDate", _lit(adopted.isoformat(), "date")),
                (M + "source", _iri(src)),
            ):
                t(_iri(inst), _iri(p), o)
            parties = rng.sample(state_iris, rng.randrange(states // 5, states))
            for s in parties:
                code = s.rsplit("/", 1)[1]
                signed = None
                if rng.random() < 0.5:
                    signed = _date(rng, adopted, 2)
                    a = ID + f"action/X-{k + 1}/{code}/signature-{signed.isoformat()}"
                    _action(t, a, s, inst, "signature", signed, src)
                if rng.random() < 0.85:
                    kind = "ratification" if signed else rng.choices(CONSENT, CONSENT_WEIGHTS)[0]
                    when = _date(rng, signed or adopted, 25)
                    a = ID + f"action/X-{k + 1}/{code}/{kind}-{when.isoformat()}"
                    _action(t, a, s, inst, kind, when, src)
                    if rng.random() < 0.01:
                        d = when + timedelta(days=rng.randrange(365, 3650))
                        _action(
                            t,
                            ID + f"action/X-{k + 1}/{code}/denunciation-{d.isoformat()}",
                            s,
                            inst,
                            "denunciation",
                            d,
                            src,
                        )
        for j in range(forums):
            fo = ID + f"forum/f{j}"
            founded = _date(rng, date(1985, 1, 1), 35)
            for p, o in (
                (RDF_TYPE, _iri(M + "RegionalConsultativeProcess")),
                (LABEL, _lit(f"Forum {j}", lang="en")),
                (M + "foundingDate", _lit(founded.isoformat(), "date")),
                (M + "membershipListComplete", _lit("true", "boolean")),
                (M + "source", _iri(src)),
            ):
                t(_iri(fo), _iri(p), o)
            for s in rng.sample(state_iris, members_per_forum):
                ms = ID + f"membership/f{j}/{s.rsplit('/', 1)[1]}"
                role = "observer" if rng.random() < 0.2 else "member"
                for p, o in (
                    (RDF_TYPE, _iri(M + "Membership")),
                    (M + "forum", _iri(fo)),
                    (M + "member", _iri(s)),
                    (M + "role", _iri(ID + f"membership-role/{role}")),
                    (M + "startDate", _lit(_date(rng, founded, 10).isoformat(), "date")),
                    (M + "source", _iri(src)),
                ):
                    t(_iri(ms), _iri(p), o)
        arr_iris = []
        arr_signed = {}
        for j in range(arrangements):
            ar = ID + f"arrangement/a{j}"
            arr_iris.append(ar)
            a, b = rng.sample(state_iris, 2)
            for p, o in (
                (RDF_TYPE, _iri(M + "Arrangement")),
                (LABEL, _lit(f"Arrangement {j}", lang="en")),
                (M + "arrangementType", _iri(ID + "arrangement-type/third-country-removal")),
                (M + "source", _iri(src)),
            ):
                t(_iri(ar), _iri(p), o)
            for who, role in ((a, "sending"), (b, "receiving")):
                pa = f"{ar}/party-{role}"
                t(_iri(ar), _iri(M + "hasParty"), _iri(pa))
                t(_iri(pa), _iri(RDF_TYPE), _iri(M + "ArrangementParty"))
                t(_iri(pa), _iri(M + "actor"), _iri(who))
                t(_iri(pa), _iri(M + "role"), _iri(ID + f"party-role/{role}"))
            sc = f"{ar}/signed"
            t(_iri(ar), _iri(M + "hasStatusChange"), _iri(sc))
            t(_iri(sc), _iri(RDF_TYPE), _iri(M + "StatusChange"))
            t(_iri(sc), _iri(M + "status"), _iri(ID + "arrangement-status/signed"))
            arr_signed[ar] = _date(rng, date(1995, 1, 1), 25)
            t(_iri(sc), _iri(M + "date"), _lit(arr_signed[ar].isoformat(), "date"))
            t(_iri(sc), _iri(M + "source"), _iri(src))
        for j in range(transfers):
            tr = ID + f"transfer/t{j}"
            a, b = rng.sample(state_iris, 2)
            under = rng.choice(arr_iris)  # a transfer is made under an arrangement already signed
            for p, o in (
                (RDF_TYPE, _iri(M + "Transfer")),
                (M + "fromActor", _iri(a)),
                (M + "toActor", _iri(b)),
                (M + "date", _lit(_date(rng, arr_signed[under], 5).isoformat(), "date")),
                (M + "headCount", _lit(str(rng.randrange(1, 400)), "integer")),
                (M + "underArrangement", _iri(under)),
                (M + "source", _iri(src)),
            ):
                t(_iri(tr), _iri(p), o)
    return n


def _action(t, a, s, inst, kind, when, src):
    for p, o in (
        (RDF_TYPE, _iri(M + "TreatyAction")),
        (M + "actor", _iri(s)),
        (M + "instrument", _iri(inst)),
        (M + "actionKind", _iri(ID + f"action-kind/{kind}")),
        (M + "date", _lit(when.isoformat(), "date")),
        (M + "source", _iri(src)),
    ):
        t(_iri(a), _iri(p), o)


# Parameters that give about 1 million and about 5 million triples.
SCALES = {
    "tiny": dict(instruments=8, states=30, forums=5, members_per_forum=10, arrangements=20, transfers=40),
    "1m": dict(instruments=800, states=200, forums=500, members_per_forum=25, arrangements=3000, transfers=10000),
    "5m": dict(instruments=4000, states=200, forums=2500, members_per_forum=25, arrangements=15000, transfers=50000),
}
