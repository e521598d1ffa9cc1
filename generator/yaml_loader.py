"""YAML loading that keeps line numbers, so every later check can point at the offending line.

PyYAML's composer already knows where each node starts; we keep that as a map from key path
(a tuple of mapping keys and list indexes) to 1-based line number, next to the plain data.

Pages, data files and site-config.yml may come from outside contributors, so reading them must
stay cheap whatever they hold: a file over ``MAX_FILE_BYTES`` is refused after reading at most
one byte more than that, and
YAML aliases (``*name``, which repeat an ``&name`` block) may add at most ``MAX_ALIAS_ENTRIES``
entries in all. A "billion laughs" document, a few lines of aliases of aliases, would otherwise
grow into billions of entries as soon as anything walks it.
"""

from __future__ import annotations

import datetime
import hashlib
import marshal
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from generator.cache_files import remove_unused, write_atomically
from generator.errors import SiteError
from generator.yaml_errors import explain_yaml_error

KeyPath = tuple[Any, ...]

MAX_FILE_BYTES = 2 * 1024 * 1024
# Entries that aliases may add to a document, in all: generous for an anchor reused a few times,
# and thousands of times smaller than an alias bomb.
MAX_ALIAS_ENTRIES = 10_000


class _TooManyAliasesError(yaml.composer.ComposerError):
    """An alias that would take the document past ``MAX_ALIAS_ENTRIES``, or that repeats the
    block it is inside (which would never end)."""


class _Loader(yaml.SafeLoader):
    """A safe loader that tolerates MkDocs' tags (``!ENV``, ``!relative``, ``!!python/name``)
    and counts what aliases add.

    We never execute the tags; validation only needs to know the value is there. The count is
    taken while composing, where each alias's line is still known, and the document is refused
    at the alias that crosses the limit, before anything has been built from it.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._entries: dict[int, int] = {}  # id(node) -> entries it stands for, aliases expanded
        self._alias_entries = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            node = super().compose_node(parent, index)
            entries = self._entries.get(id(node))
            if entries is None:
                raise _TooManyAliasesError(
                    None,
                    None,
                    f"the alias *{event.anchor} repeats the block it is inside, without end",
                    event.start_mark,
                )
            self._alias_entries += entries
            if self._alias_entries > MAX_ALIAS_ENTRIES:
                raise _TooManyAliasesError(
                    None,
                    None,
                    f"the aliases up to *{event.anchor} repeat more than {MAX_ALIAS_ENTRIES:,} "
                    "entries",
                    event.start_mark,
                )
            return node
        node = super().compose_node(parent, index)
        self._entries[id(node)] = 1 + sum(self._entries[id(child)] for child in _children(node))
        return node


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _alias_entries_within_limit(root: yaml.Node) -> bool:
    """Whether aliases add at most ``MAX_ALIAS_ENTRIES`` entries to the composed document ``root``
    and never repeat a block inside itself. Aliases are shared nodes in the composed graph, so
    this counts each node once, without expanding anything."""
    entries: dict[int, int] = {}
    in_progress: set[int] = set()
    distinct = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            in_progress.discard(key)
            entries[key] = 1 + sum(entries[id(child)] for child in _children(node))
            distinct += 1
            continue
        if key in entries:
            continue
        if key in in_progress:
            return False  # an alias inside the block it repeats
        in_progress.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(_children(node)))
    return entries[id(root)] - distinct <= MAX_ALIAS_ENTRIES


def _construct_tagged(loader: _Loader, tag_suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        # `!!python/name:module.attr` carries its meaning in the tag, not the (empty) value.
        return loader.construct_scalar(node) or tag_suffix
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


# libyaml's parser (when PyYAML was built with it) reads front matter several times faster than
# the pure-Python one; it produces the same nodes and marks. Errors are reported by re-reading
# with the pure-Python loader, so messages are the same whichever parser is installed.
_FastLoader: type = _Loader
if getattr(yaml, "__with_libyaml__", False):

    class _FastLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        """The same loader on libyaml's parser, for documents that parse without error."""


for _loader_class in {_Loader, _FastLoader}:
    _loader_class.add_multi_constructor("!", _construct_tagged)
    _loader_class.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)


@dataclass
class LoadedYaml:
    """Parsed YAML plus where each key and item started in the file."""

    data: Any
    path: str
    lines: dict[KeyPath, int] = field(default_factory=dict)
    line_offset: int = 0

    def line_of(self, key_path: Iterable[Any]) -> int | None:
        """The line of the deepest part of ``key_path`` that exists in the file."""
        key_path = tuple(key_path)
        while key_path not in self.lines and key_path:
            key_path = key_path[:-1]
        line = self.lines.get(key_path)
        return None if line is None else line + self.line_offset

    def error(self, key_path: Iterable[Any], message: str, fix: str = "") -> SiteError:
        """A ``SiteError`` at the line of ``key_path``, naming the key as dotted text."""
        key_path = tuple(key_path)
        return SiteError(
            path=self.path,
            line=self.line_of(key_path),
            key=format_key_path(key_path),
            message=message,
            fix=fix,
        )


def format_key_path(key_path: Iterable[Any]) -> str:
    parts: list[str] = []
    for part in key_path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts)


def _record_lines(node: yaml.Node, key_path: KeyPath, lines: dict[KeyPath, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*key_path, key_node.value)
            lines[child] = key_node.start_mark.line + 1
            _record_lines(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*key_path, index)
            lines[child] = item.start_mark.line + 1
            _record_lines(item, child, lines)


# ------------------------------------------------------------------ parsed YAML, kept
#
# Parsing is most of what reading front matter, data files, interface strings and site-config.yml
# costs, and a build reads the same texts again and again: every language's build reads the
# default language's data files and every language's interface strings, and the next build reads
# them all once more. A document that parsed without error is kept, as plain data (``marshal`` of
# dicts, lists, strings, numbers, booleans, None and dates; never ``pickle``) with its line map,
# keyed by a hash of its exact text and of this loader's version: in memory for the life of the
# process, and on disk in the folder ``use_cache_folder`` names (``.cache/iop-guide/yaml``) for
# the next build. Every reading gets objects of its own. Anything else (aliases, which share one
# object between places; tags of other types) is parsed every time. A cache entry that cannot be
# read, or whose checksum is wrong, is ignored and written again.

# Bump when what an entry holds, or how it is read, changes: old entries are then never read.
_CACHE_FORMAT = "1"
_CACHE_SALT = "\0".join(
    (_CACHE_FORMAT, yaml.__version__, str(_FastLoader is not _Loader), str(MAX_ALIAS_ENTRIES))
).encode("utf-8")
# Entries kept in memory at most (a `serve` session re-reads edited files for hours).
_MEMORY_ENTRIES = 4096
_memory: dict[str, bytes] = {}
_cache_folder: Path | None = None
_written: set[tuple[Path, str]] = set()  # entries known to be on disk in a folder
_used: set[str] = set()  # keys read since use_cache_folder


class _NotPlain(Exception):
    """The parsed document holds a value the cache does not store."""


def use_cache_folder(folder: Path | None) -> None:
    """Keep parsed documents in ``folder`` between builds (None: in memory only)."""
    global _cache_folder
    if folder != _cache_folder:
        _used.clear()
    _cache_folder = folder


def forget_parsed() -> None:
    """Drop the documents kept in memory (the next reading uses the disk, or parses): what a new
    process starts with."""
    _memory.clear()
    _written.clear()


def prune_cache_folder() -> int:
    """Remove the entries of the cache folder that were not read since it was chosen or last
    pruned (call after a complete build, which read every file). Returns how many went."""
    folder = _cache_folder
    if folder is None:
        return 0
    used = set(_used)
    _used.clear()
    removed = remove_unused(folder, lambda entry: entry.suffix != ".marshal" or entry.stem in used)
    for entry in removed:
        _written.discard((folder, entry.stem))
    return len(removed)


def _cache_key(text: str) -> str:
    return hashlib.sha256(_CACHE_SALT + b"\0" + text.encode("utf-8", "surrogatepass")).hexdigest()


def _encode(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is dict:
        return {_encode(key): _encode(item) for key, item in value.items()}
    if kind is list:
        return [_encode(item) for item in value]
    if kind is datetime.date:
        return ("date", value.toordinal())  # tuples never come out of YAML otherwise: see below
    raise _NotPlain


def _decode(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {_decode(key): _decode(item) for key, item in value.items()}
    if kind is list:
        return [_decode(item) for item in value]
    if kind is tuple:
        return datetime.date.fromordinal(value[1])
    return value


def _has_dates(value: Any) -> bool:
    kind = type(value)
    if kind is dict:
        return any(_has_dates(key) or _has_dates(item) for key, item in value.items())
    if kind is list:
        return any(_has_dates(item) for item in value)
    return kind is tuple


def _payload(data: Any, lines: dict[KeyPath, int]) -> bytes | None:
    """``data`` and ``lines`` as an entry, or None when they hold what the cache does not keep."""
    try:
        encoded = _encode(data)
    except (_NotPlain, RecursionError):
        return None
    if not all(type(part) is str or type(part) is int for path in lines for part in path):
        return None
    return marshal.dumps((_has_dates(encoded), encoded, lines))


def _from_payload(payload: bytes) -> tuple[Any, dict[KeyPath, int]] | None:
    """Fresh objects from an entry; None when it is not one."""
    try:
        has_dates, encoded, lines = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if type(has_dates) is not bool or type(lines) is not dict:
        return None
    try:
        return (_decode(encoded) if has_dates else encoded), lines
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _read_entry(key: str) -> tuple[Any, dict[KeyPath, int]] | None:
    payload = _memory.get(key)
    if payload is not None:
        found = _from_payload(payload)
        if found is not None:
            if _cache_folder is not None and (_cache_folder, key) not in _written:
                # Parsed before this folder was chosen (site-config.yml, by the command):
                # written unless the folder holds it intact.
                try:
                    stored = (_cache_folder / f"{key}.marshal").read_bytes()
                except OSError:
                    stored = b""
                if stored == hashlib.sha256(payload).digest() + payload:
                    _written.add((_cache_folder, key))
                else:
                    _write_entry(_cache_folder, key, payload)
            return found
        del _memory[key]
    if _cache_folder is None:
        return None
    try:
        stored = (_cache_folder / f"{key}.marshal").read_bytes()
    except OSError:
        return None
    checksum, payload = stored[:32], stored[32:]
    if hashlib.sha256(payload).digest() != checksum:
        return None  # corrupt or cut short: parse again, and write it afresh
    found = _from_payload(payload)
    if found is not None:
        _remember(key, payload)
        _written.add((_cache_folder, key))
    return found


def _remember(key: str, payload: bytes) -> None:
    if len(_memory) >= _MEMORY_ENTRIES:
        _memory.clear()
    _memory[key] = payload


def _write_entry(folder: Path, key: str, payload: bytes) -> None:
    entry = hashlib.sha256(payload).digest() + payload
    if write_atomically(folder / f"{key}.marshal", entry):
        _written.add((folder, key))


def load_yaml_text(text: str, path: str, line_offset: int = 0) -> LoadedYaml:
    """Parse ``text``; on bad YAML raise ``UnreadableFileError`` naming the file and line.

    ``line_offset`` shifts reported lines, for YAML that sits inside a larger file (front matter).
    A text read before comes from the cache (see ``use_cache_folder``), as new objects.
    """
    if "*" in text:  # aliases: one object in several places, which the cache would not keep
        return _parse_yaml_text(text, path, line_offset)
    key = _cache_key(text)
    _used.add(key)
    found = _read_entry(key)
    if found is not None:
        return LoadedYaml(data=found[0], path=path, lines=found[1], line_offset=line_offset)
    loaded = _parse_yaml_text(text, path, line_offset)
    payload = _payload(loaded.data, loaded.lines)
    if payload is not None:
        _remember(key, payload)
        if _cache_folder is not None:
            _write_entry(_cache_folder, key, payload)
    return loaded


def _parse_yaml_text(text: str, path: str, line_offset: int = 0) -> LoadedYaml:
    if _FastLoader is not _Loader:
        fast = _FastLoader(text)
        try:
            node = fast.get_single_node()
            # Aliases need a "*"; a document without one (nearly all) skips the count.
            if node is not None and "*" in text and not _alias_entries_within_limit(node):
                raise _TooManyAliasesError("aliases")  # located by the pure-Python reading
            data = fast.construct_document(node) if node is not None else None
        except yaml.YAMLError:
            pass  # read it again below, for the pure-Python parser's located message
        else:
            return _loaded(node, data, path, line_offset)
        finally:
            fast.dispose()
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        if isinstance(exc, _TooManyAliasesError):
            mark = exc.problem_mark or exc.context_mark
            line = None if mark is None else mark.line + 1 + line_offset
            text_lines = text.splitlines()
            source_line = (
                text_lines[mark.line] if mark is not None and mark.line < len(text_lines) else ""
            )
            raise UnreadableFileError(
                SiteError(
                    path=path,
                    line=line,
                    message=f"YAML aliases repeat too much: {exc.problem}",
                    fix="write the values out in full, or repeat a block with fewer aliases "
                    "(*name)",
                    source_line=source_line,
                )
            ) from None
        raise UnreadableFileError(explain_yaml_error(exc, text, path, line_offset)) from None
    except RecursionError:
        raise UnreadableFileError(
            SiteError(
                path=path,
                message="the YAML is nested too deeply to read",
                fix="use fewer levels of lists and mappings inside each other",
            )
        ) from None
    except yaml.YAMLError as exc:
        raise UnreadableFileError(
            SiteError(path=path, message=f"YAML error: {exc}", fix="fix the YAML syntax")
        ) from None
    finally:
        loader.dispose()
    return _loaded(node, data, path, line_offset)


def _loaded(node: yaml.Node | None, data: Any, path: str, line_offset: int) -> LoadedYaml:
    lines: dict[KeyPath, int] = {}
    if node is not None:
        lines[()] = node.start_mark.line + 1
        _record_lines(node, (), lines)
    return LoadedYaml(data=data, path=path, lines=lines, line_offset=line_offset)


class UnreadableFileError(Exception):
    """A file could not be read or parsed at all; carries the ``SiteError`` to show."""

    def __init__(self, error: SiteError):
        self.error = error
        super().__init__(error.format())


def _read_at_most(handle: BinaryIO, limit: int) -> bytes:
    """Up to ``limit`` bytes of an open file. ``handle.read(limit)`` alone would first set aside
    a buffer of ``limit`` bytes (2 MB) for every small page; the file's size, where the system
    knows it, sizes the first read instead."""
    first = min(os.fstat(handle.fileno()).st_size + 1, limit)
    raw = handle.read(first)
    if len(raw) == first < limit:
        # More than its size said: a file that grew, or a pipe (size 0). Read on, to the limit.
        raw += handle.read(limit - first)
    return raw


def read_text_file(file_path: str, display: str) -> str:
    """Read UTF-8 text, turning a decoding failure into an error an editor can act on.

    A file over ``MAX_FILE_BYTES`` is refused after reading only that much of it.
    """
    with open(file_path, "rb") as handle:
        raw = _read_at_most(handle, MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise UnreadableFileError(
            SiteError(
                path=display,
                message=f"the file is over {MAX_FILE_BYTES // (1024 * 1024)} MB, more than any "
                "page, data file or configuration needs",
                fix="split it into several pages or files, or remove what was pasted in by "
                "mistake (a page's images belong in their own files, linked from the page)",
            )
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UnreadableFileError(
            SiteError(
                path=display,
                line=line,
                message=f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset "
                f"{exc.start})",
                fix="save the file as UTF-8 (in most editors: File > Save with encoding > UTF-8)",
            )
        ) from None
