"""RDF/XML measured before Oxigraph parses it: nesting depth, entity declarations, expansion.

Oxigraph expands the internal entities an RDF/XML file declares, so one 100 KB entity used
5,000 times becomes 500 MB. The file is first read by the standard library's expat (a
streaming C parser that does not recurse and never fetches anything), which reports each
entity declaration and each element; parsing stops as soon as a limit is passed.
"""

from __future__ import annotations

from xml.parsers import expat

from .errors import DataSyntaxError
from .limits import exceeded, limits


class _Stop(Exception):
    def __init__(self, error: Exception):
        self.error = error


def check_rdf_xml(data: bytes, where: str) -> None:
    """Raise a clear error if the RDF/XML is malformed, too deep, or expands too much."""
    lim = limits()
    budget = lim.max_xml_amplification * len(data) + 1_000_000  # bytes of text and attribute values
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    state = {"depth": 0, "size": 0}

    def position() -> str:
        return f"{where}:{parser.CurrentLineNumber}:{parser.CurrentColumnNumber + 1}"

    def spend(n: int) -> None:
        state["size"] += n
        if state["size"] > budget:
            raise _Stop(
                exceeded(
                    f"{position()}: its entities expand the file more than {lim.max_xml_amplification} times",
                    "max_xml_amplification",
                    lim.max_xml_amplification,
                )
            )

    def start(name, attrs) -> None:
        state["depth"] += 1
        if state["depth"] > lim.max_depth:
            raise _Stop(exceeded(f"{position()}: elements are nested more than {lim.max_depth} deep", "max_depth", lim.max_depth))
        spend(len(name) + sum(len(k) + len(v) for k, v in attrs.items()))

    def end(name) -> None:
        state["depth"] -= 1

    def entity(name, is_parameter, value, base, system_id, public_id, notation) -> None:
        # expat hands over the declared replacement text, with references to other entities
        # still in it: an entity built of entities is how "billion laughs" starts.
        if is_parameter or system_id or public_id:
            reason = "is a parameter entity or refers to an outside resource"
        elif value is not None and "&" in value:
            reason = "refers to other entities"
        else:
            return
        raise _Stop(
            DataSyntaxError(
                f"{position()}: refused: entity '{name}' {reason}",
                hint="migkg never fetches outside resources or expands nested entities; "
                "expand the entities or convert the file to Turtle",
            )
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = lambda text: spend(len(text))
    parser.EntityDeclHandler = entity
    parser.ExternalEntityRefHandler = lambda *args: 0  # never resolve; 0 makes expat stop with an error
    try:
        parser.Parse(data, True)
    except _Stop as stop:
        raise stop.error from None
    except expat.ExpatError as e:
        raise DataSyntaxError(
            f"{where}:{e.lineno}:{e.offset + 1}: not well-formed XML: {expat.ErrorString(e.code)}",
            hint="fix the XML at that position",
        ) from None
