"""Compile pages in a second process while the build reads and converts the pages before them.

A build with no compiled pages kept (a fresh clone, a CI job without its cache, a Jinja upgrade)
compiles every page that has a tag: about 5 ms for a page with 24 tags, a third of what the rest
of the build spends on it. Machines that build sites have two cores or more (CI runners, Netlify,
an editor's laptop), and the build itself uses one. So, at the start of a build, a forked child
compiles the pages into the compiled-page cache (``generator.template_cache.PageCodeCache``) in
the order MkDocs reads them, and the build, when it reaches a page, loads the child's work from
that cache instead of compiling it.

Nothing depends on the child for correctness. It only writes cache entries, which Jinja names by
the page text and checks against it on load, written whole or not at all (Jinja renames a
finished temporary file). The build waits only for a page the child has started and not
finished; a page the child has not reached, skipped or failed on is compiled by the build itself,
which also reports its errors. The child renders nothing, so no page's tags run in it.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from typing import Any

import jinja2

from generator.front_matter import normalise_text
from generator.template_cache import PageCodeCache
from generator.yaml_loader import read_text_file

# How long the build waits, once every page is read, for the child to finish the theme's
# templates; it normally has long before (they take about 0.3 s).
THEME_WAIT_SECONDS = 10.0

# Messages from the child: it has begun compiling a page, or has finished (or given up on) it.
_STARTED = "started"
_FINISHED = "finished"


def prefetch_available() -> bool:
    """Whether a second process can help: fork exists (Linux), no other thread runs in this
    one (forking a process with threads, such as `serve`'s watcher or a test's browser driver,
    is unsafe), and a second core is free to run it."""
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return False
    if threading.active_count() != 1:
        return False
    return len(os.sched_getaffinity(0)) >= 2


class PagePrefetch:
    """The build's side of the child: which pages it has started and finished."""

    def __init__(self, connection: Connection, process: Any, position: Any) -> None:
        self._connection = connection
        self._process = process
        # How many pages the build has begun reading, shared with the child (see page_read).
        self._position = position
        self._started: set[str] = set()
        self._finished: set[str] = set()
        self._open = True

    @classmethod
    def start(
        cls,
        environment: jinja2.Environment,
        page_files: Iterable[str],
        compile_name: Callable[[str], str],
        body_of: Callable[[str], str],
        theme: ThemeTemplates | None = None,
    ) -> PagePrefetch | None:
        """Fork a child compiling ``page_files`` (absolute paths, in reading order) into
        ``environment``'s bytecode cache, then ``theme``'s templates. Each page is compiled as
        the build will see it: ``body_of(text)`` (its Markdown without front matter, as MkDocs
        splits it), under the name ``compile_name(body)`` the build's loader gives it. None
        when a child would not help (see ``prefetch_available``)."""
        if environment.bytecode_cache is None or not prefetch_available():
            return None
        context = multiprocessing.get_context("fork")
        receiving, sending = context.Pipe(duplex=False)
        position = context.RawValue("q", 0)
        process = context.Process(
            target=_compile_ahead,
            args=(environment, list(page_files), compile_name, body_of, theme, sending, position),
            name="iop-guide page compiler",
            daemon=True,
        )
        try:
            process.start()
        except OSError:
            receiving.close()
            sending.close()
            return None
        sending.close()
        return cls(receiving, process, position)

    def page_read(self) -> None:
        """The build has begun reading its next page, in the order given to ``start``. The
        child skips every page the build has reached, so when the build catches up with it
        (a second core busy with other work), the two never compile the same page: the child
        moves on ahead and the build compiles the pages between."""
        self._position.value += 1

    def wait_for(self, name: str) -> None:
        """Return once the child is not compiling ``name``: it has finished it, has not started
        it, or has stopped."""
        self._receive(block=False)
        while self._open and name in self._started and name not in self._finished:
            self._receive(block=True)

    def _receive(self, *, block: bool) -> None:
        while self._open and (block or self._connection.poll()):
            try:
                kind, name = self._connection.recv()
            except (EOFError, OSError):
                self._open = False
                return
            (self._started if kind == _STARTED else self._finished).add(name)
            block = False

    def finish(self, timeout: float = THEME_WAIT_SECONDS) -> None:
        """Wait for the child to finish everything (its theme templates, once every page has been
        read), at most ``timeout`` seconds: past that the build compiles what is left itself."""
        deadline = time.monotonic() + timeout
        while self._open:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._connection.poll(remaining):
                break
            self._receive(block=True)
        self.close()

    def close(self) -> None:
        """Stop the child if it is still at work (a build that failed early) and reap it."""
        self._open = False
        self._connection.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def _compile_ahead(
    environment: jinja2.Environment,
    page_files: list[str],
    compile_name: Callable[[str], str],
    body_of: Callable[[str], str],
    theme: ThemeTemplates | None,
    connection: Connection,
    position: Any,
) -> None:
    """The child: pages first (the build needs them first), then the theme's templates."""
    # Ctrl-C reaches the whole process group: the build stops this process itself (close), so
    # an interrupted build prints its own message, not a second traceback from here.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _compile_pages(environment, page_files, compile_name, body_of, connection, position)
        if theme is not None:
            _compile_theme(theme)
    except (BrokenPipeError, OSError):
        pass  # the build has stopped listening
    finally:
        connection.close()


def _compile_pages(
    environment: jinja2.Environment,
    page_files: list[str],
    compile_name: Callable[[str], str],
    body_of: Callable[[str], str],
    connection: Connection,
    position: Any,
) -> None:
    """Compile each page that has a tag and no cache entry, as ``BaseLoader.load`` would, and
    say when each one starts and finishes; skip those the build has reached already."""
    # Imported here: page_rendering imports this module.
    from generator.page_rendering import has_template_syntax

    cache = environment.bytecode_cache
    assert cache is not None
    for index, path in enumerate(page_files):
        if position.value > index:
            continue
        try:
            body = body_of(normalise_text(read_text_file(path, path)))
        except Exception:  # an unreadable page: the build reports it
            continue
        if not has_template_syntax(environment, body):
            continue
        name = compile_name(body)
        # A warm build finds every page kept: checking costs a stat, not a read.
        if isinstance(cache, PageCodeCache) and cache.has_entry(name):
            continue
        bucket = cache.get_bucket(environment, name, None, body)
        if bucket.code is not None:
            continue
        connection.send((_STARTED, name))
        try:
            bucket.code = environment.compile(body, name, None)
            cache.set_bucket(bucket)
        except Exception:  # a syntax error: the build compiles the page and reports it
            pass
        connection.send((_FINISHED, name))


class ThemeTemplates:
    """The theme's templates a build will compile: ``roots`` (main.html, the static templates)
    and every template they extend, include or import by a fixed name, in an environment made
    by ``make_environment`` as the build's own is made (same loader, filters, bytecode cache),
    so the compiled code lands under the same cache key the build looks up."""

    def __init__(
        self, make_environment: Callable[[], jinja2.Environment], roots: Iterable[str]
    ) -> None:
        self.make_environment = make_environment
        self.roots = list(roots)


# Templates named in {% extends %}, {% include %}, {% import %} or {% from %} by a fixed name.
# Parsing each template to find them (jinja2.meta) would cost a warm build, whose templates are
# all kept, about half of compiling them; a name this misses is compiled by the build itself.
_REFERENCED = re.compile(r"""\{%-?\s*(?:extends|include|import|from)\s+["']([^"']+)["']""")


def _compile_theme(theme: ThemeTemplates) -> None:
    environment = theme.make_environment()
    cache = environment.bytecode_cache
    loader = environment.loader
    if cache is None or loader is None:
        return
    waiting, seen = list(theme.roots), set(theme.roots)
    while waiting:
        name = waiting.pop()
        try:
            source, filename, _ = loader.get_source(environment, name)
        except Exception:  # not found: the build reports it if it matters
            continue
        for referenced in _REFERENCED.findall(source):
            if referenced not in seen:
                seen.add(referenced)
                waiting.append(referenced)
        bucket = cache.get_bucket(environment, name, filename, source)
        if bucket.code is None:
            try:
                bucket.code = environment.compile(source, name, filename)
            except Exception:  # a syntax error: the build reports it
                continue
            cache.set_bucket(bucket)
