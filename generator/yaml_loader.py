"""YAML loading that keeps line numbers, so every later check can point at the offending line.

PyYAML's composer already knows where each node starts; we keep that as a map from key path
(a tuple of mapping keys and list indexes) to 1-based line number, next to the plain data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.errors import SiteError
from generator.yaml_errors import explain_yaml_error

KeyPath = tuple[Any, ...]


class _Loader(yaml.SafeLoader):
    """A safe loader that tolerates MkDocs' tags (``!ENV``, ``!relative``, ``!!python/name``).

    We never execute them; validation only needs to know the value is there.
    """


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


def load_yaml_text(text: str, path: str, line_offset: int = 0) -> LoadedYaml:
    """Parse ``text``; on bad YAML raise ``UnreadableFileError`` naming the file and line.

    ``line_offset`` shifts reported lines, for YAML that sits inside a larger file (front matter).
    """
    if _FastLoader is not _Loader:
        fast = _FastLoader(text)
        try:
            node = fast.get_single_node()
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
        raise UnreadableFileError(explain_yaml_error(exc, text, path, line_offset)) from None
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


def read_text_file(file_path: str, display: str) -> str:
    """Read UTF-8 text, turning a decoding failure into an error an editor can act on."""
    raw = open(file_path, "rb").read()  # noqa: SIM115 - closed by refcount; tiny files
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
