"""One exception tree for crosswire.

    CrosswireError
    ├── InputError          an input could not be read (names the file and the problem)
    │   ├── EmptyInput
    │   ├── BinaryInput
    │   ├── TooLarge
    │   └── BadFormat       invalid JSON line, a feed that is not XML, ...
    ├── SettingsError       an unknown setting or a value of the wrong kind
    ├── StoreError          the knowledge base cannot be opened or written
    └── NotFound            a document / entity / series id that is not stored

Third-party errors are wrapped with ``raise ... from``; messages say what was expected.
"""
from __future__ import annotations


class CrosswireError(Exception):
    """Base of every error crosswire raises on purpose."""


class InputError(CrosswireError):
    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


class EmptyInput(InputError):
    pass


class BinaryInput(InputError):
    pass


class TooLarge(InputError):
    pass


class BadFormat(InputError):
    pass


class SettingsError(CrosswireError):
    pass


class StoreError(CrosswireError):
    pass


class NotFound(CrosswireError):
    pass
