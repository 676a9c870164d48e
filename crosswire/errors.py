"""One exception tree for crosswire.

    CrosswireError
    ├── InputError          an input could not be read (names the file and the problem)
    │   ├── EmptyInput
    │   ├── BinaryInput
    │   ├── TooLarge
    │   └── BadFormat       invalid JSON line, a feed that is not XML, ...
    ├── SettingsError       an unknown setting or a value of the wrong kind
    ├── ComponentError      the extraction component table is inconsistent (checked at start-up)
    ├── StoreError          the knowledge base cannot be opened or written            (exit 3)
    │   ├── NoKnowledgeBase     a read command on a file that does not exist              (exit 4)
    │   ├── NotAKnowledgeBase   not SQLite, another program's database, or a 0-byte file  (exit 5)
    │   ├── DamagedKnowledgeBase  corrupt or truncated: run `crosswire check`              (exit 6)
    │   ├── StoreFull           the disk (or the database's size limit) is full           (exit 7)
    │   ├── StoreBusy           another process holds the lock longer than busy_timeout   (exit 8)
    │   └── StoreReadOnly       a write was needed but the file or its folder is read-only (exit 9)
    └── NotFound            a document / entity / series id that is not stored

Third-party errors are wrapped with ``raise ... from``; messages say what was expected.
Every error carries ``exit_code``, the status the CLI exits with: 2 for usage and setup errors
(a wrong option or setting, an unknown id), 3-9 for the storage errors above (0 is success and
1 means some input was rejected while the rest was stored). ``sqlite3`` errors become storage
errors in ``crosswire.store.sqlite.store_error``.
"""
from __future__ import annotations


class CrosswireError(Exception):
    """Base of every error crosswire raises on purpose."""

    exit_code = 2


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


class ComponentError(CrosswireError):
    """A component needs an attribute no component before it assigns, or names one that does not exist."""


class StoreError(CrosswireError):
    exit_code = 3


class NoKnowledgeBase(StoreError):
    exit_code = 4


class NotAKnowledgeBase(StoreError):
    exit_code = 5


class DamagedKnowledgeBase(StoreError):
    exit_code = 6


class StoreFull(StoreError):
    exit_code = 7


class StoreBusy(StoreError):
    exit_code = 8


class StoreReadOnly(StoreError):
    exit_code = 9


class NotFound(CrosswireError):
    pass
