"""Linked data: Wikidata look-ups with a polite client, the cross-check report, and opt-in federation."""
