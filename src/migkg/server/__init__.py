"""A read-only SPARQL 1.1 Protocol endpoint over the built graph, with a web query page."""
