"""The case chronology: what a review's integrated chronology records, as typed data."""

from .model import Case, CaseFact, Chronology, Event, Person, Scoping, Source, SourceDocument
from .dates import EventDate

__all__ = ["Case", "CaseFact", "Chronology", "Event", "EventDate", "Person", "Scoping", "Source", "SourceDocument"]
