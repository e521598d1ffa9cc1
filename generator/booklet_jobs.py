"""PDF booklets laid out beside the build, and kept between builds while nothing they show changed.

Laying out a booklet of about a hundred pages costs WeasyPrint several seconds of CPU per
language: far more than the rest of the build. Two things keep it off the editor's wait:

- **Beside the build.** Each booklet is laid out in a worker process as soon as its language's
  pages are written, while the main process builds the next language; the build waits for the
  booklets only at its very end. On two cores the English booklet is laid out while the Spanish
  pages are built.
- **Kept between builds.** A booklet depends only on its HTML (every chapter's text, the crisis
  lines, the date, the interface words), on the site files WeasyPrint read for it (the booklet
  stylesheet, images) and on the versions of WeasyPrint and its PDF writer. A finished booklet
  is stored under ``.cache/iop-guide/booklets/`` with the hashes of those files; a later build
  whose HTML and files are the same reuses it, and any change lays it out again. Fonts come from
  the system (fontconfig) and are not part of the key: after changing the build machine's fonts,
  delete the folder.

A cache is only a shortcut: failing to read or write it never fails a build.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from generator.booklet import Booklet, BookletError, render_booklet_pdf
from generator.cache_files import remove_unused, write_atomically

# Bump when what a stored booklet holds, or what its key covers, changes.
_CACHE_FORMAT = "1"
# What WeasyPrint's output depends on besides the HTML and the files it reads.
_RENDERERS = ("weasyprint", "pydyf")


def _versions() -> str:
    parts = []
    for name in _RENDERERS:
        try:
            parts.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{name}=missing")
    return ";".join(parts)


def _file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass
class BookletCache:
    """Finished booklets on disk, one ``<key>.pdf`` and ``<key>.json`` pair per booklet, the key
    made from the HTML and the renderer versions; the JSON lists the site files read and their
    hashes, checked before a stored booklet is reused."""

    folder: Path

    def key(self, booklet_html: str) -> str:
        digest = hashlib.sha256()
        for part in (_CACHE_FORMAT, _versions(), booklet_html):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
        return digest.hexdigest()[:32]

    def load(self, key: str, site_dir: Path) -> Booklet | None:
        try:
            facts = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            pdf = (self.folder / f"{key}.pdf").read_bytes()
        except (OSError, ValueError):
            return None
        files = facts.get("files")
        if not isinstance(files, dict) or facts.get("bytes") != len(pdf):
            return None
        for name, expected in files.items():
            if _file_hash(site_dir / name) != expected:
                return None
        return Booklet(pdf=pdf, page_count=int(facts["pages"]), read_files=sorted(files))

    def store(self, key: str, booklet: Booklet, site_dir: Path) -> None:
        files = {name: _file_hash(site_dir / name) for name in booklet.read_files}
        facts = {"pages": booklet.page_count, "bytes": len(booklet.pdf), "files": files}
        # The facts last, and only after the booklet: an entry without them is never read.
        if write_atomically(self.folder / f"{key}.pdf", booklet.pdf):
            write_atomically(self.folder / f"{key}.json", json.dumps(facts).encode("utf-8"))

    def prune(self, keep: set[str]) -> None:
        """Remove booklets other than ``keep`` (the ones this build used)."""
        remove_unused(self.folder, lambda entry: entry.name.split(".", 1)[0] in keep)


def _worker_pool() -> ProcessPoolExecutor:
    method = "spawn"
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        method = "fork"
        # Imported before forking so every worker has it; if it cannot be imported, the
        # worker's own import reports why (generator.booklet.render_booklet_pdf).
        with contextlib.suppress(ImportError, OSError):
            import weasyprint  # noqa: F401
    workers = max(1, min(2, os.cpu_count() or 1))
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_leave_quietly_on_ctrl_c,
    )


def _leave_quietly_on_ctrl_c() -> None:
    """In each worker: Ctrl-C reaches the whole process group, and the build that started the
    worker reports it once (``generator.cli``). A worker waiting for work would otherwise print
    a KeyboardInterrupt traceback of its own; one laying out a booklet has nothing to keep. So a
    worker just leaves, at once, with the shell's status for Ctrl-C. Workers start with Ctrl-C
    held back (``_ctrl_c_held``); one that came meanwhile arrives here, once the way out is set."""
    signal.signal(signal.SIGINT, lambda signum, frame: os._exit(128 + signal.SIGINT))
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Hold Ctrl-C back from this thread, and from the workers a submit starts (a new process
    inherits the mask, through fork or exec), until the block ends: a worker interrupted before
    its initializer ran would print a traceback from Python's start-up code."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@dataclass
class _Job:
    key: str
    site_dir: Path
    done: Booklet | None = None
    future: Future[Booklet] | None = None


class BookletJobs:
    """The booklets of one build (every language): started as each language's pages are
    written, collected once at the end.

    Workers are forked when this process runs no other thread, with WeasyPrint imported
    first, so a worker starts in milliseconds; forking a process that runs threads (a preview
    server's watcher, a test's browser driver) is unsafe, so then they are spawned as fresh
    interpreters (about a second more each). At most two booklets are laid out at once: more
    workers would only compete with the main build on a two-core machine.
    """

    def __init__(self, cache: BookletCache | None) -> None:
        self._cache = cache
        self._pool: ProcessPoolExecutor | None = None
        self._jobs: list[_Job] = []

    def start(self, booklet_html: str, site_dir: Path) -> int:
        """Start laying out a booklet (or take the stored one); returns its number for
        ``result``."""
        key = self._cache.key(booklet_html) if self._cache is not None else ""
        job = _Job(key=key, site_dir=site_dir)
        if self._cache is not None:
            job.done = self._cache.load(key, site_dir)
        if job.done is None:
            if self._pool is None:
                self._pool = _worker_pool()
            with _ctrl_c_held():
                job.future = self._pool.submit(render_booklet_pdf, booklet_html, site_dir)
        self._jobs.append(job)
        return len(self._jobs) - 1

    def result(self, number: int) -> Booklet:
        """The finished booklet (waiting for it); raises BookletError if it could not be made."""
        job = self._jobs[number]
        if job.done is None:
            assert job.future is not None
            try:
                job.done = job.future.result()
            except BrokenProcessPool as error:
                raise BookletError(
                    f"the process laying out the booklet stopped unexpectedly ({error})"
                ) from error
            if self._cache is not None:
                self._cache.store(job.key, job.done, job.site_dir)
        return job.done

    def close(self, *, succeeded: bool) -> None:
        """Stop the workers; after a complete build, forget stored booklets it did not use."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if succeeded and self._cache is not None:
            self._cache.prune({job.key for job in self._jobs})
        self._jobs = []
