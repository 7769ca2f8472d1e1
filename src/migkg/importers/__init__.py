"""Importers: read public reference tables and write the project's own graph files under graph/."""
