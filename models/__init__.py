"""SQLModel tables of huibao (and nothing else)."""

from .tables import (
    CleaningEdit,
    Document,
    GlossaryEntry,
    Indicator,
    IndicatorType,
    IngestRun,
    Instance,
    Keyword,
    KeywordState,
    Section,
    SectionTopic,
    Slogan,
    Source,
    SourcePath,
    TermIdf,
    Topic,
)

__all__ = [
    "CleaningEdit",
    "Document",
    "GlossaryEntry",
    "Indicator",
    "IndicatorType",
    "IngestRun",
    "Instance",
    "Keyword",
    "KeywordState",
    "Section",
    "SectionTopic",
    "Slogan",
    "Source",
    "SourcePath",
    "TermIdf",
    "Topic",
]
