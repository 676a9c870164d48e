"""crosswire: turn a pile of news reports into a sourced, time-aware picture of who claims what."""
from .engine import Crosswire, IngestReport
from .errors import (BadFormat, BinaryInput, CrosswireError, EmptyInput, InputError, NotFound, SettingsError,
                     StoreError, TooLarge)
from .models import Claim, Document, Entity, Mention, Quantity, Quote, Rejection, RemovedLine, Segment, TimeRef

__all__ = [
    "BadFormat", "BinaryInput", "Claim", "Crosswire", "CrosswireError", "Document", "EmptyInput", "Entity",
    "IngestReport", "InputError", "Mention", "NotFound", "Quantity", "Quote", "Rejection", "RemovedLine",
    "Segment", "SettingsError", "StoreError", "TimeRef", "TooLarge",
]
