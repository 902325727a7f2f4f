"""SQLModel tables of huibao (and nothing else)."""

from .tables import CleaningEdit, Document, IngestRun, Keyword, Section, Source, SourcePath

__all__ = [
    "CleaningEdit",
    "Document",
    "IngestRun",
    "Keyword",
    "Section",
    "Source",
    "SourcePath",
]
