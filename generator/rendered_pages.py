"""Pages' Markdown as an earlier build rendered it, reused only when nothing it came from changed.

Rendering a page in the sandbox is the largest share of what the plugin adds to a warm build:
about half a millisecond for a page with twenty values and a data table, where the compiled-page
cache (``template_cache``) has already taken compiling away. A page's rendered Markdown depends
only on what this module hashes into its key, so a build that finds an entry under that key
would have rendered the same text:

- the page's text and its front matter's YAML text (the same YAML always parses to the same
  values: the loader's code and PyYAML's version are in the key);
- what every page sees (``site-config.yml``'s values, the data files, the site's name, address
  and description), written out with their exact types: a tuple is not a list, ``True`` is not
  ``1`` and Markup is not a string. A value of any other type turns the cache off for the build;
- the Jinja environment (``environment_fingerprint``: Jinja and Python versions, settings,
  filters and tests);
- every file a page can reach or whose code renders it: the templates folder (a page can include
  or import any file in it, and ``data_table`` lives there), this Python package (the filters
  and the sandbox) and MarkupSafe (escaping).

Only a page that rendered without an error, and passed the checks made on its rendered text,
is kept, so an entry found stands for those checks too. Random values (Jinja's ``random`` filter,
``lipsum``) are kept as first drawn. Deleting the folder is always safe.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import yaml

from generator.cache_files import remove_unused, write_atomically
from generator.template_cache import environment_fingerprint

# Bump when an entry's layout or what goes into a key changes, so old entries are never read.
_FORMAT = b"iop-guide rendered page 2\n"
# The Python package whose code renders pages (filters, the sandbox, this module).
GENERATOR_DIR = Path(__file__).resolve().parent
# Escaping is MarkupSafe's: a new version may escape differently.
MARKUPSAFE_DIR = Path(markupsafe.__file__).resolve().parent


class NotCachable(TypeError):
    """A value whose text form might not say everything rendering can see of it."""


def canonical(value: Any) -> bytes:
    """``value`` as bytes that differ whenever rendering could tell two values apart.

    Only the plain types YAML and the build make are known; anything else raises NotCachable.
    Types are matched exactly, not by ``isinstance``: a subclass may render differently."""
    parts: list[bytes] = []
    _write(value, parts)
    return b"".join(parts)


def _write(value: Any, parts: list[bytes]) -> None:
    kind = type(value)
    if value is None or kind in (bool, int, float):
        parts.append(f"{kind.__name__}:{value!r};".encode())
    elif kind is str or kind is markupsafe.Markup:
        encoded = value.encode("utf-8", "surrogatepass")
        parts.append(f"{kind.__name__}:{len(encoded)}:".encode() + encoded)
    elif kind in (datetime.date, datetime.datetime):
        parts.append(f"{kind.__name__}:{value!r};".encode())
    elif kind in (list, tuple):
        parts.append(f"{kind.__name__}:{len(value)}[".encode())
        for item in value:
            _write(item, parts)
        parts.append(b"]")
    elif kind is dict:
        items = []
        for key, item in value.items():
            key_parts: list[bytes] = []
            _write(key, key_parts)
            items.append((b"".join(key_parts), item))
        items.sort(key=lambda pair: pair[0])
        parts.append(f"dict:{len(items)}{{".encode())
        for key_bytes, item in items:
            parts.append(key_bytes)
            _write(item, parts)
        parts.append(b"}")
    else:
        raise NotCachable(f"a value of type {kind.__qualname__}")


def folder_digest(folders: Iterable[Path]) -> bytes:
    """A hash of every file's path and contents under ``folders`` (compiled ``.pyc`` files left
    out: they follow from the sources)."""
    digest = hashlib.sha256()
    for folder in folders:
        digest.update(f"folder:{folder.as_posix()}\n".encode())
        files = sorted(
            path for path in folder.rglob("*") if path.is_file() and path.suffix != ".pyc"
        )
        for path in files:
            data = path.read_bytes()
            digest.update(f"{path.relative_to(folder).as_posix()}:{len(data)}\n".encode())
            digest.update(data)
    return digest.digest()


def build_fingerprint(
    env: jinja2.Environment, shared: Mapping[str, Any], folders: Iterable[Path]
) -> str | None:
    """What every page of this build is rendered from, besides its own text and front matter;
    None when a value cannot be written out exactly or a file cannot be read (the build then
    renders every page)."""
    digest = hashlib.sha256(_FORMAT)
    digest.update(environment_fingerprint(env).encode())
    # Front matter is keyed by its YAML text (RenderedPages.key): the parser is part of it.
    digest.update(f"PyYAML {yaml.__version__} libyaml {yaml.__with_libyaml__}\n".encode())
    try:
        digest.update(canonical(dict(shared)))
    except NotCachable:
        return None
    try:
        digest.update(folder_digest([*folders, MARKUPSAFE_DIR]))
    except OSError:
        # A file that vanished between listing and reading (an editor's temporary file while
        # `serve` rebuilds) or cannot be read: no cache this build, never a failed build.
        return None
    return digest.hexdigest()


class RenderedPages:
    """Rendered page Markdown on disk, one file per key, remembering which entries this build
    used so the rest can go after a complete build. Reading or writing failures are misses: a
    cache must never fail a build."""

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = folder
        self.fingerprint = fingerprint
        self.used: set[str] = set()

    def key(self, page_name: str, front_matter_yaml: str) -> str:
        """The entry's name for a page whose text is compiled under ``page_name`` (a hash of
        the text: ``page_rendering.page_template_name``) and whose front matter was parsed from
        ``front_matter_yaml``.

        Both are hashed as text, not as values: the same YAML always parses to the same values
        (our loader's code and PyYAML's version are in the fingerprint), and hashing the text is
        a tenth of the cost of writing the values out (``canonical``) on every page. The text's
        own hash is reused, not made again: a page found here needs that name anyway, to keep
        its compiled code (``keep_compiled_page``)."""
        digest = hashlib.sha256(self.fingerprint.encode())
        yaml_bytes = front_matter_yaml.encode("utf-8", "surrogatepass")
        digest.update(f"{len(yaml_bytes)}:".encode() + yaml_bytes)
        digest.update(page_name.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.md"

    def get(self, key: str) -> str | None:
        """The text kept under ``key``, if its header names this key and its checksum matches."""
        self.used.add(key)
        try:
            entry = self._path(key).read_bytes()
        except OSError:
            return None
        header = _FORMAT + key.encode() + b"\n"
        if not entry.startswith(header):
            return None
        checksum, separator, text = entry[len(header) :].partition(b"\n")
        if not separator or hashlib.sha256(text).hexdigest().encode() != checksum:
            return None
        try:
            return text.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return None

    def put(self, key: str, text: str) -> None:
        self.used.add(key)
        data = text.encode("utf-8", "surrogatepass")
        entry = _FORMAT + key.encode() + b"\n" + hashlib.sha256(data).hexdigest().encode()
        entry += b"\n" + data
        write_atomically(self._path(key), entry)

    def prune(self) -> int:
        """Remove entries this build did not use. Call only after a complete, successful build,
        which looks up every page. Returns how many went."""
        used = self.used
        return len(
            remove_unused(
                self.folder,
                lambda entry: not entry.is_file() or entry.name.removesuffix(".md") in used,
            )
        )
