"""Writes src/migkg/core/vocab.py, the project's terms as closed namespaces, from the ontology.

    python -m migkg.core.vocabgen

Run it after changing ontology/migkg.ttl or ontology/vocabularies.ttl; tests/test_vocab.py fails
while the committed vocab.py differs from what `generate` returns (`pytest --regenerate` rewrites
it too). The output depends on the two files only: same input, same bytes.
"""

from __future__ import annotations

import keyword
from pathlib import Path

import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, DefinedNamespace, DefinedNamespaceMeta

from .atomic import write_text_atomic
from .project import ID_NS, ONTOLOGY_NS

# The kinds of term, in the order the module lists them; a term declared as two kinds (punning)
# is listed under the first. Characteristics such as owl:FunctionalProperty are not kinds.
KINDS: tuple[tuple[str, tuple[rdflib.URIRef, ...]], ...] = (
    ("Classes", (OWL.Class, RDFS.Class)),
    ("Object properties", (OWL.ObjectProperty,)),
    ("Datatype properties", (OWL.DatatypeProperty,)),
    ("Annotation properties", (OWL.AnnotationProperty,)),
    ("Named individuals", (OWL.NamedIndividual,)),
    ("Datatypes", (RDFS.Datatype,)),
    ("Other properties", (RDF.Property,)),
)
UNDECLARED = "Used in the ontology but not declared there"

# Names an attribute lookup on a DefinedNamespace would not turn into a term: the class's own
# attributes and those of its metaclass (mro, as_jsonld_context, ...) are found first.
_TAKEN = frozenset(n for k in (*DefinedNamespace.__mro__, *DefinedNamespaceMeta.__mro__) for n in vars(k))


def attribute_name(name: str) -> bool:
    """Whether `NS.name` reaches the term; the others are listed in _extras and read as NS["name"]."""
    return name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_") and name not in _TAKEN


def one_line(text: str) -> str:
    """Text fit for a trailing comment: one line, printable characters only."""
    text = " ".join(str(text).split())
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


def _docstring_text(text: str) -> str:
    """Text fit for a one-line docstring: no backslash or quote to end it early."""
    return one_line(text).replace("\\", "\\\\").replace('"', '\\"')


def label(g: rdflib.Graph, term: rdflib.URIRef) -> str:
    """The English label of a term (rdfs:label, then skos:prefLabel), else the first line of its comment."""
    for prop in (RDFS.label, SKOS.prefLabel):
        values = [o for o in g.objects(term, prop) if isinstance(o, rdflib.Literal)]
        for lang in ("en", None):
            found = sorted(str(o) for o in values if o.language == lang)
            if found:
                return one_line(found[0])
    for prop in (RDFS.comment, SKOS.definition):
        values = [o for o in g.objects(term, prop) if isinstance(o, rdflib.Literal)]
        for lang in ("en", None):
            found = sorted(str(o) for o in values if o.language == lang)
            if found and found[0].strip():
                return one_line(found[0].strip().splitlines()[0])
    return ""


def _comment(text: str) -> str:
    return f"  # {text}" if text else ""


def _py_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _members(ns: str, comments: dict[str, str], groups: list[tuple[str, list[str]]]) -> list[str]:
    """The body lines of a DefinedNamespace class: one annotated attribute per term, then _extras."""
    lines = ["    _fail = True", f"    _NS = Namespace({_py_str(ns)})"]
    extras: list[str] = []
    for heading, group in groups:
        if not group:
            continue
        attrs = [n for n in group if attribute_name(n)]
        extras += [n for n in group if not attribute_name(n)]
        note = f" ({len(group) - len(attrs)} of them in _extras, below)" if len(attrs) < len(group) else ""
        lines += ["", f"    # {heading}: {len(group)}{note}"]
        lines += [f"    {n}: URIRef{_comment(comments[n])}" for n in attrs]
    if extras:
        lines += ["", '    # Names that are not Python attribute names, read as NS["name"]', "    _extras = ["]
        lines += [f"        {_py_str(n)},{_comment(comments[n])}" for n in sorted(extras)]
        lines += ["    ]"]
    return lines


def ontology_terms(g: rdflib.Graph) -> list[tuple[str, list[str]]]:
    """The local names of the ontology's terms, grouped by kind, each group sorted."""
    used = {t for triple in g for t in triple if isinstance(t, rdflib.URIRef) and t.startswith(ONTOLOGY_NS)}
    used.discard(rdflib.URIRef(ONTOLOGY_NS))
    placed: set[rdflib.URIRef] = set()
    groups = []
    for heading, types in KINDS:
        members = {t for typ in types for t in g.subjects(RDF.type, typ) if t in used} - placed
        placed |= members
        groups.append((heading, sorted(t[len(ONTOLOGY_NS):] for t in members)))
    groups.append((UNDECLARED, sorted(t[len(ONTOLOGY_NS):] for t in used - placed)))
    return groups


def concept_schemes(g: rdflib.Graph) -> list[tuple[rdflib.URIRef, str, list[str]]]:
    """Each concept scheme under id/ (sorted by IRI): its IRI, its label and its concepts' local names.

    A concept's IRI must be its scheme's IRI, a slash and a key: the namespace of the concepts is
    the scheme's IRI with a slash.
    """
    schemes = []
    for scheme in sorted(s for s in g.subjects(RDF.type, SKOS.ConceptScheme) if isinstance(s, rdflib.URIRef)):
        if not scheme.startswith(ID_NS):
            continue
        concepts = set(g.subjects(SKOS.inScheme, scheme)) | set(g.subjects(SKOS.topConceptOf, scheme))
        concepts |= set(g.objects(scheme, SKOS.hasTopConcept))
        names = []
        for c in sorted(concepts):
            key = str(c).removeprefix(scheme + "/")
            if not isinstance(c, rdflib.URIRef) or key == str(c) or not key:
                raise ValueError(f"the concept {c} is not named <{scheme}/key>, as the concepts of its scheme must be")
            names.append(key)
        schemes.append((scheme, label(g, scheme), names))
    in_scheme = {c for s, _, names in schemes for c in (rdflib.URIRef(f"{s}/{n}") for n in names)}
    stray = sorted(c for c in g.subjects(RDF.type, SKOS.Concept) if c not in in_scheme)
    if stray:
        raise ValueError(f"concepts in no concept scheme: {', '.join(map(str, stray))}")
    return schemes


def scheme_class_name(scheme: rdflib.URIRef) -> str:
    """ACTION_KIND for <https://w3id.org/migkg/id/action-kind>."""
    name = str(scheme).removeprefix(ID_NS).replace("-", "_").replace("/", "__").upper()
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"the concept scheme {scheme} gives no Python name ({name!r})")
    return name


HEADER = '''"""The project's own terms as closed namespaces.

GENERATED from ontology/{ontology} and ontology/{vocabularies} by `python -m migkg.core.vocabgen`:
do not edit this file by hand; change the ontology and run that command (tests/test_vocab.py fails
while this file and the ontology disagree).

MIGKG holds every term of {ns} the ontology declares. Like rdflib's own
namespaces (rdflib.namespace.SKOS...), it is a closed DefinedNamespace: `MIGKG.State` is the URIRef
of the class, and a misspelt `MIGKG.Stat` raises AttributeError where it is used, instead of
quietly making an IRI nothing in the graph has. Names that are not Python attribute names are listed
in _extras and read as `MIGKG["name"]`; `iri in MIGKG` tells whether an IRI is a declared term.

The controlled values of ontology/{vocabularies} get the same treatment, one closed namespace
per skos:ConceptScheme, named after its path below id/ (upper case, - as _): the concepts of
<{id_ns}action-kind> are ACTION_KIND.ratification, ACTION_KIND.accession...
The design, and why:
- a closed namespace rather than a dict or an Enum: one mechanism for ontology terms and concepts,
  the same AttributeError on a misspelling, URIRef values, `in` for membership;
- the key is the concept's IRI local name, which is also its skos:notation (the short code the
  queries and the CLI use): no second spelling to keep in step. Keys with a hyphen are not
  attribute names, so they are read by item, `ARRANGEMENT_STATUS["in-force"]`, and a misspelt
  key fails there too (AttributeError, as rdflib raises it);
- SCHEMES maps each scheme's IRI to its namespace, for code that goes from a scheme to its
  concepts. Instance IRIs of other kinds (states, treaties, actions) are made by
  migkg.core.ids, which returns pyoxigraph terms; ox.NamedNode(ACTION_KIND.ratification) turns
  a term from here into one.
"""

from types import MappingProxyType

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef
'''


def generate(ontology_file: Path, vocabularies_file: Path | None = None) -> str:
    """The source of vocab.py for an ontology and its SKOS vocabularies (by default the
    vocabularies.ttl beside the ontology)."""
    ontology_file = Path(ontology_file)
    vocabularies_file = Path(vocabularies_file) if vocabularies_file else ontology_file.with_name("vocabularies.ttl")
    onto = rdflib.Graph().parse(ontology_file, format="turtle")
    voc = rdflib.Graph().parse(vocabularies_file, format="turtle")

    out = [HEADER.format(ontology=ontology_file.name, vocabularies=vocabularies_file.name, ns=ONTOLOGY_NS, id_ns=ID_NS)]
    groups = ontology_terms(onto)
    names = [n for _, group in groups for n in group]
    title = ""
    ontology_iri = rdflib.URIRef(ONTOLOGY_NS.rstrip("#"))
    titles = [o for o in onto.objects(ontology_iri, DCTERMS.title) if isinstance(o, rdflib.Literal)]
    for lang in ("en", None):
        found = sorted(str(o) for o in titles if o.language == lang)
        if found:
            title = _docstring_text(found[0])
            title += "" if title.endswith((".", "!", "?")) else "."
            break
    out += ["", "class MIGKG(DefinedNamespace):"]
    about = f"The terms of {ONTOLOGY_NS}, from ontology/{ontology_file.name}."
    out += [f'    """{title}\n\n    {about}\n    """' if title else f'    """{about}"""', ""]
    out += _members(ONTOLOGY_NS, {n: label(onto, rdflib.URIRef(ONTOLOGY_NS + n)) for n in names}, groups)

    schemes = concept_schemes(voc)
    class_names = [scheme_class_name(s) for s, _, _ in schemes]
    if len(set(class_names) | {"MIGKG", "SCHEMES"}) != len(class_names) + 2:
        raise ValueError(f"two concept schemes, or a scheme and MIGKG or SCHEMES, share a name: {sorted(class_names)}")
    for (scheme, scheme_label, concepts), cls in zip(schemes, class_names):
        doc = f"{_docstring_text(scheme_label)}: t" if scheme_label else "T"
        out += ["", "", f"class {cls}(DefinedNamespace):", f'    """{doc}he concepts of the scheme <{scheme}>."""', ""]
        comments = {n: label(voc, rdflib.URIRef(f"{scheme}/{n}")) for n in concepts}
        out += _members(f"{scheme}/", comments, [("Concepts", concepts)])

    out += ["", "", "# Each concept scheme's IRI and the closed namespace of its concepts."]
    out += ["SCHEMES = MappingProxyType(", "    {"]
    out += [f"        URIRef({_py_str(scheme)}): {cls}," for (scheme, _, _), cls in zip(schemes, class_names)]
    out += ["    }", ")", ""]
    return "\n".join(out)


def target(root: Path) -> Path:
    """Where a checkout keeps the generated module."""
    return root / "src" / "migkg" / "core" / "vocab.py"


def write(root: Path) -> tuple[Path, str]:
    """Regenerate the checkout's vocab.py from its ontology; returns the file and its text."""
    text = generate(root / "ontology" / "migkg.ttl", root / "ontology" / "vocabularies.ttl")
    path = target(root)
    write_text_atomic(path, text)
    return path, text


def main() -> None:
    root = Path(__file__).resolve().parents[3]
    path, _ = write(root)
    onto = rdflib.Graph().parse(root / "ontology" / "migkg.ttl", format="turtle")
    counts = ", ".join(f"{len(g)} {h.lower()}" for h, g in ontology_terms(onto) if g)
    voc = rdflib.Graph().parse(root / "ontology" / "vocabularies.ttl", format="turtle")
    schemes = concept_schemes(voc)
    print(f"wrote {path.relative_to(root)}: MIGKG with {counts}; {len(schemes)} concept schemes "
          f"({sum(len(c) for _, _, c in schemes)} concepts)")


if __name__ == "__main__":
    main()
