"""AIGov KG: an open knowledge graph of global AI governance, built from Chinese scholarship.

The package holds the whole pipeline: sources (ontology, instances, shapes, queries) are compiled
and validated into a dataset of named graphs, which is exported or served over SPARQL.
"""

__version__ = "0.1.0"
