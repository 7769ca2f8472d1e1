"""The ontology's documentation in dist/ontology/: pyLODE's page of classes and properties, in
English and in Chinese, a page of the controlled vocabularies, and the ontology files themselves.

pyLODE shows every label a term has run together, so each language's page is made from a copy
of the ontology that keeps, for each term and annotation, only that language's literals (or,
where a term has none in it, the English ones). pyLODE documents one SKOS scheme per page; the
nineteen vocabularies are listed instead on one page of our own, from one query.
"""

from __future__ import annotations

import logging
import shutil
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import rdflib

from ..core.errors import OutputError
from ..core.results import Table
from .pages import env

LANGUAGES = {"en": "index.html", "zh": "index.zh.html"}
_SWITCH = {
    "en": '<p style="margin:0.5em 1em">English · <a href="index.zh.html">中文</a> · '
    '<a href="vocabularies.html">vocabularies · 词表</a> · <a href="../index.html">migkg</a></p>',
    "zh": '<p style="margin:0.5em 1em"><a href="index.html">English</a> · 中文 · '
    '<a href="vocabularies.html">词表 · vocabularies</a> · <a href="../index.html">migkg</a></p>',
}


def _pylode():
    """pyLODE's OntPub. Importing pyLODE calls logging.basicConfig(level=DEBUG), which would make
    every library's debug messages print on the user's terminal; the root logger is put back."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        from pylode import OntPub
    finally:
        for h in root.handlers[:]:
            if h not in handlers:
                root.removeHandler(h)
        root.setLevel(level)
    return OntPub


def in_language(g: rdflib.Graph, lang: str) -> rdflib.Graph:
    """A copy of `g` in which each subject and predicate keep only their `lang` literals, or
    their English ones where they have none in `lang`; untagged literals and other terms stay.

    >>> g = rdflib.Graph().parse(format="turtle", data='<urn:a> <urn:l> "x"@en, "甲"@zh ; <urn:n> "y"@en .')
    >>> sorted(str(o) for o in in_language(g, "zh").objects())
    ['y', '甲']
    """
    tagged: dict[tuple, list] = defaultdict(list)
    out = rdflib.Graph()
    for prefix, ns in g.namespaces():
        out.bind(prefix, ns)
    for s, p, o in g:
        if isinstance(o, rdflib.Literal) and o.language:
            tagged[(s, p)].append(o)
        else:
            out.add((s, p, o))
    for (s, p), literals in tagged.items():
        chosen = [o for o in literals if o.language == lang] or [o for o in literals if o.language == "en"] or literals
        for o in chosen:
            out.add((s, p, o))
    return out


@lru_cache(maxsize=4)
def pylode_page(ontology: bytes, lang: str) -> str:
    """pyLODE's page of the ontology (the Turtle text given) in `lang`. Made once per process for
    the same text: pyLODE takes a second or two, and a session that builds twice need not wait twice."""
    source = rdflib.Graph().parse(data=ontology, format="turtle")
    try:
        page = _pylode()(ontology=in_language(source, lang)).make_html()
    except Exception as e:  # pyLODE raises its own and rdflib's errors; the build says which page
        raise OutputError(f"pyLODE could not document ontology/migkg.ttl ({lang}): {e}") from None
    return page.replace("<html>", f'<html lang="{lang}">', 1).replace("<body>", "<body>" + _SWITCH[lang], 1)


def _vocabularies(rows: list[dict]) -> list[dict]:
    schemes: dict[str, dict] = {}
    for r in rows:
        s = schemes.setdefault(r["scheme"], {k: r[k] for k in ("scheme", "scheme_en", "scheme_zh", "scheme_def_en",
                                                               "scheme_def_zh")} | {"concepts": []})
        if r["concept"]:
            s["concepts"].append(r)
    return sorted(schemes.values(), key=lambda s: s["scheme_en"] or s["scheme"])


def write_ontology_docs(project, graph, catalog, folder: Path) -> list[Path]:
    """Write the documentation into `folder` (dist/ontology/); the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    ontology = (project.ontology_dir / "migkg.ttl").read_bytes()
    written = []
    for lang, name in LANGUAGES.items():
        (folder / name).write_text(pylode_page(ontology, lang), encoding="utf-8")
        written.append(folder / name)
    rows = Table.from_solutions(graph.query(catalog.get("lookup/vocabulary-terms").text)).records()
    vocab = env().get_template("vocabularies.html").render(schemes=_vocabularies(rows))
    (folder / "vocabularies.html").write_text(vocab, encoding="utf-8")
    written.append(folder / "vocabularies.html")
    return written + copy_ontology_files(project, folder)


def copy_ontology_files(project, folder: Path) -> list[Path]:
    """The ontology, its vocabularies and its shapes, copied into `folder` to be published with
    the pages or a release."""
    written = []
    for path in [*project.ontology_files(), project.shapes_file]:
        shutil.copyfile(path, folder / path.name)
        written.append(folder / path.name)
    return written
