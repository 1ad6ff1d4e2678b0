"""How the app uses the database file: it never holds it.

A page run reads through one read-only connection, opened at its first read and closed when the run ends
(a warm run, all cached, opens nothing), so that `pmf load`, `pmf kpis`, a backup or a second app process
can use the file while the dashboard is open; a read outside a page run opens its own and closes it. An
upload, undo or target change writes through a read-write connection opened for that change and closed at
once. DuckDB lets one process write or many read, and, within a process, refuses a read-only and a
read-write connection to one file at the same time: a readers-writer lock keeps this process's own readers
and writers apart, and DuckDB's file lock keeps other processes out.

When another program holds the file, a read waits a short while (READ_WAIT) and then raises DatabaseBusy,
which a page turns into one sentence and a retry; a write waits its turn much longer (WRITE_WAIT), telling
the user it is waiting. A file that is not a DuckDB database raises DatabaseUnreadable.

The data version of a file is kept with a stamp of the file and its write-ahead log (size, change time,
inode): a page run whose stamp has not changed since the version was read needs no connection at all, and a
change from any process changes the stamp, so what the command line loaded shows on the next page view.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from dashboard.core.db import data_version, migrate, schema_is_current

READ_WAIT = 1.5  # seconds a page run waits for another program's write before saying so
WRITE_WAIT = 120.0  # seconds an upload, undo or target change waits its turn
RUN_HOLD = 1.0  # seconds a page run keeps its reader before letting go of it after a read
_POLL = 0.05

BUSY_MESSAGE = "The database is being updated by another program; this page will try again in a few seconds."


class DatabaseBusy(RuntimeError):
    """Another program holds the database file for longer than we wait."""


class DatabaseUnreadable(RuntimeError):
    """The database file cannot be opened as a DuckDB database (damaged, or another kind of file)."""


def unreadable_message(path: str) -> str:
    return (
        f"The database {path} cannot be read: it is damaged or not a PMF database. Restore it from a backup "
        "(see the README), or move it away and run `pmf init` to start a new one."
    )


class _ReadersWriter:
    """Many readers or one writer in this process; a waiting writer goes before new readers."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    def acquire_read(self, timeout: float) -> bool:
        with self._lock:
            if not self._lock.wait_for(lambda: not self._writing and not self._writers_waiting, timeout):
                return False
            self._readers += 1
            return True

    def release_read(self) -> None:
        with self._lock:
            self._readers -= 1
            self._lock.notify_all()

    def acquire_write(self, timeout: float) -> bool:
        with self._lock:
            self._writers_waiting += 1
            try:
                ok = self._lock.wait_for(lambda: not self._writing and not self._readers, timeout=timeout)
            finally:
                self._writers_waiting -= 1
            if ok:
                self._writing = True
            self._lock.notify_all()
            return ok

    def release_write(self) -> None:
        with self._lock:
            self._writing = False
            self._lock.notify_all()


_LOCK = _ReadersWriter()
_local = threading.local()  # the reader this thread has open (a use inside another reuses it)


def _held_by_another(exc: duckdb.Error) -> bool:
    text = str(exc)
    return (
        "Could not set lock" in text
        or "Conflicting lock" in text
        or "different configuration than existing connections" in text
    )


Notice = Callable[[], None]
_QUIET = 0.2  # seconds of waiting not worth a message


class _Wait:
    """How long to wait for the file, and who to tell (once) when the wait is more than a moment."""

    def __init__(self, seconds: float, on_wait: Notice | None) -> None:
        self.started = time.monotonic()
        self.deadline = self.started + seconds
        self.on_wait = on_wait

    def left(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def waiting(self) -> None:
        if self.on_wait is not None and time.monotonic() - self.started >= _QUIET:
            self.on_wait()
            self.on_wait = None


def _wait_for(seconds: float | None, default: float, on_wait: Notice | None) -> _Wait:
    """The wait of one use: as given, else this thread's patience (`patient`), else `default`."""
    patience: tuple[float, Notice | None] | None = getattr(_local, "patience", None)
    if seconds is None and patience is not None:
        return _Wait(max(patience[0], default), on_wait or patience[1])
    return _Wait(default if seconds is None else seconds, on_wait)


@contextmanager
def patient(seconds: float, on_wait: Notice | None = None) -> Iterator[None]:
    """Reads and writes in this block (this thread) wait up to `seconds` for another program, calling
    `on_wait` once if they have to: what a user asked for (an upload) waits its turn, where a page view
    says the database is busy and tries again."""
    previous = getattr(_local, "patience", None)
    _local.patience = (seconds, on_wait)
    try:
        yield
    finally:
        _local.patience = previous


def _open(path: str, read_only: bool, wait: _Wait) -> duckdb.DuckDBPyConnection:
    """A connection to `path`, trying again while another program holds the file."""
    while True:
        try:
            return duckdb.connect(path, read_only=read_only)
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            if not _held_by_another(exc):
                if isinstance(exc, duckdb.IOException):  # "not a valid DuckDB database file", and the like
                    raise DatabaseUnreadable(unreadable_message(path)) from exc
                raise
            if not wait.left():
                raise DatabaseBusy(BUSY_MESSAGE) from exc
            wait.waiting()
            time.sleep(_POLL)


def _acquire(acquire: Callable[[float], bool], wait: _Wait) -> None:
    """This process's side of the lock: a moment quietly, then with the message, then DatabaseBusy."""
    if acquire(min(_QUIET, wait.left())):
        return
    wait.waiting()
    if not acquire(wait.left()):
        raise DatabaseBusy(BUSY_MESSAGE)


class _RunReader:
    """The one read-only connection of a page run (`one_reader_per_run`), opened at its first read."""

    def __init__(self) -> None:
        self.path: str | None = None
        self.con: duckdb.DuckDBPyConnection | None = None
        self.opened = 0.0

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con, self.path = None, None
            _LOCK.release_read()


@contextmanager
def one_reader_per_run() -> Iterator[None]:
    """The reads of this block (a page run, in this thread) share one read-only connection, opened at the
    first read and closed when the block ends, before a change made in it, or after a read once it has been
    open RUN_HOLD seconds: a cold page run opens the file about once a second rather than once per query
    (each open reads the catalogue: about 25 ms), a warm one (everything cached) not at all, and another
    program's write never waits long for a page run."""
    previous: _RunReader | None = getattr(_local, "run", None)
    _local.run = _RunReader()
    try:
        yield
    finally:
        _local.run.close()
        _local.run = previous


def _reader(path: str, wait: float | None) -> duckdb.DuckDBPyConnection:
    """A new read-only connection, with this process's read lock taken (release it after closing)."""
    waiting = _wait_for(wait, READ_WAIT, None)
    _acquire(_LOCK.acquire_read, waiting)
    try:
        return _open(path, True, waiting)
    except BaseException:
        _LOCK.release_read()
        raise


@contextmanager
def reading(path: str, wait: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection: the page run's (`one_reader_per_run`), else one for this use, closed after
    it. DatabaseBusy when another program holds the file for longer than `wait` seconds (READ_WAIT unless
    given, or longer inside `patient`)."""
    run: _RunReader | None = getattr(_local, "run", None)
    if run is not None:
        if run.con is not None and run.path != path:
            run.close()
        if run.con is None:
            run.con, run.path, run.opened = _reader(path, wait), path, time.monotonic()
        try:
            yield run.con
        finally:
            if time.monotonic() - run.opened > RUN_HOLD:
                run.close()  # a long cold run lets go between reads, so a writer elsewhere waits little
        return
    held: tuple[str, duckdb.DuckDBPyConnection] | None = getattr(_local, "reader", None)
    if held is not None and held[0] == path:
        yield held[1]
        return
    con = _reader(path, wait)
    _local.reader = (path, con)
    try:
        yield con
    finally:
        _local.reader = held
        con.close()
        _LOCK.release_read()


@contextmanager
def writing(
    path: str, on_wait: Notice | None = None, wait: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection for one change, its schema brought up to date, closed after it. Waits its
    turn up to `wait` seconds (WRITE_WAIT unless given; calling `on_wait` once if it has to wait more than
    a moment), then raises DatabaseBusy."""
    if getattr(_local, "reader", None) is not None:
        raise RuntimeError("a change cannot be made inside a read: close the reader first")
    run: _RunReader | None = getattr(_local, "run", None)
    if run is not None:
        run.close()  # this process may not read and write one file at once: the run reads again after
    waiting = _wait_for(wait, WRITE_WAIT, on_wait)
    _acquire(_LOCK.acquire_write, waiting)
    try:
        con = _open(path, False, waiting)
        try:
            migrate(con)
            yield con
        finally:
            con.close()
    finally:
        _LOCK.release_write()


# The data version ----------------------------------------------------------------------------------------

Stamp = tuple[tuple[int, int, int] | None, ...]
_versions: dict[str, tuple[Stamp, str]] = {}
_versions_lock = threading.Lock()
_checked_schema: set[str] = set()


def _stamp(path: str) -> Stamp:
    """What changes whenever a write is committed to the file: its and its write-ahead log's size, change
    time and inode."""
    found: list[tuple[int, int, int] | None] = []
    for name in (path, path + ".wal"):
        try:
            st = Path(name).stat()
        except FileNotFoundError:
            found.append(None)
            continue
        found.append((st.st_size, st.st_mtime_ns, st.st_ino))
    return tuple(found)


def current_version(path: str, fresh: bool = False) -> str:
    """The data version of the file at `path`, read again only when the file changed (or `fresh`).

    While another program is writing, the last version read is still the one committed (a reader cannot see
    a write before it is committed), so a page run keeps it rather than waiting: only what it has not
    cached yet has to wait for the file. The first time a process reads a file, a schema left behind by an
    older version of the app is brought up to date.
    """
    stamp = _stamp(path)
    with _versions_lock:
        known = _versions.get(path)
    if known is not None and known[0] == stamp and not fresh:
        return known[1]
    try:
        version = _read_version(path)
    except DatabaseBusy:
        if known is None or fresh:
            raise
        return known[1]
    with _versions_lock:
        _versions[path] = (stamp, version)
    return version


def _read_version(path: str) -> str:
    with reading(path) as con:
        if path in _checked_schema or schema_is_current(con):
            _checked_schema.add(path)
            return data_version(con)
    with writing(path, wait=READ_WAIT) as con:  # migrate() brings the schema up to date
        _checked_schema.add(path)
        return data_version(con)


def forget(path: str | None = None) -> None:
    """Forget the versions read (all, or of one file): the next page run reads them again."""
    with _versions_lock:
        if path is None:
            _versions.clear()
            _checked_schema.clear()
        else:
            _versions.pop(path, None)
            _checked_schema.discard(path)
