"""Interactive network pages: networkx graphs from SPARQL, laid out in Python, drawn by vis-network."""
