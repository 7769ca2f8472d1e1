"""migkg: a knowledge graph of international migration governance."""

__version__ = "0.1.0"
