"""The helpers every cache folder is written and tidied with (generator.cache_files): a cache
that cannot be written or tidied is a miss, never a failed build, and never a half-written entry;
a damaged entry is a miss, never wrong bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cache_files import EntryPack, remove_unused, write_atomically


def test_an_entry_is_written_whole_with_its_folder_and_no_temporary_file_left(
    tmp_path: Path,
) -> None:
    entry = tmp_path / "new" / "folder" / "entry.bin"
    assert write_atomically(entry, b"compiled")
    assert entry.read_bytes() == b"compiled"
    assert write_atomically(entry, b"again")
    assert entry.read_bytes() == b"again"
    assert sorted(path.name for path in entry.parent.iterdir()) == ["entry.bin"]


def test_a_write_that_fails_says_so_and_leaves_nothing_behind(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    assert not write_atomically(blocker / "entry.bin", b"compiled")
    # The rename fails (a folder stands at the entry's name): the temporary file must go.
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "inside").write_text("x")
    assert not write_atomically(tmp_path / "taken", b"compiled")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["not-a-folder", "taken"]


def test_only_unused_entries_are_removed(tmp_path: Path) -> None:
    for name in ("a.md", "b.md", "c.md"):
        (tmp_path / name).write_text(name)
    removed = remove_unused(tmp_path, lambda entry: entry.name != "b.md")
    assert [entry.name for entry in removed] == ["b.md"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.md", "c.md"]


def test_a_missing_folder_removes_nothing(tmp_path: Path) -> None:
    assert remove_unused(tmp_path / "never-made", lambda entry: False) == []


# ---------------------------------------------------------------- one file of many entries


def _pack_with(path: Path, entries: dict[str, bytes]) -> None:
    pack = EntryPack(path)
    for key, data in entries.items():
        pack.put(key, data)
    pack.save()


def test_a_pack_keeps_exactly_the_entries_the_build_used(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "entries.pack"
    _pack_with(path, {"a": b"first", "b": b"second\nwith a line break", "c": b""})
    pack = EntryPack(path)
    assert sorted(pack.stored_keys()) == ["a", "b", "c"]
    assert pack.get("b") == b"second\nwith a line break"
    assert pack.get("c") == b""
    pack.put("d", b"new")
    assert pack.save() == 1  # "a" was not used: it goes
    pack = EntryPack(path)
    assert sorted(pack.stored_keys()) == ["b", "c", "d"]
    assert [pack.get(key) for key in ("b", "c", "d")] == [b"second\nwith a line break", b"", b"new"]


def test_a_pack_whose_entries_are_unchanged_is_not_written_again(tmp_path: Path) -> None:
    path = tmp_path / "entries.pack"
    _pack_with(path, {"a": b"first", "b": b"second"})
    before = path.stat()
    pack = EntryPack(path)
    assert pack.get("a") == b"first"
    pack.keep("b", b"second")  # found in memory, the same as the file holds
    assert pack.save() == 0
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    pack = EntryPack(path)
    pack.get("a")
    pack.keep("b", b"changed")
    pack.save()
    assert EntryPack(path).get("b") == b"changed"


def test_a_damaged_pack_loses_only_what_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "entries.pack"
    _pack_with(path, {"a": b"first", "b": b"second", "c": b"third"})
    good = path.read_bytes()
    path.write_bytes(good.replace(b"second", b"secoND"))
    pack = EntryPack(path)
    assert (pack.get("a"), pack.get("b"), pack.get("c")) == (b"first", None, b"third")
    # A line that does not parse ends the file: what came before it is still read.
    path.write_bytes(good.replace(b"b 6 ", b"b x6 ", 1))
    pack = EntryPack(path)
    assert (pack.get("a"), pack.get("b"), pack.get("c")) == (b"first", None, None)
    for damaged in (b"", b"not a pack", good[:10], good[:-1]):
        path.write_bytes(damaged)
        assert EntryPack(path).get("c") is None, damaged
    # Saving after a miss writes the pack whole again.
    pack = EntryPack(path)
    for key, data in {"a": b"first", "b": b"second", "c": b"third"}.items():
        if pack.get(key) is None:
            pack.put(key, data)
    pack.save()
    assert path.read_bytes() == good


def test_saving_a_pack_tidies_its_folder_and_never_fails(tmp_path: Path) -> None:
    folder = tmp_path / "yaml"
    folder.mkdir()
    (folder / "0123.marshal").write_bytes(b"an entry of the older layout")
    _pack_with(folder / "entries.pack", {"a": b"first"})
    assert sorted(path.name for path in folder.iterdir()) == ["entries.pack"]
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    _pack_with(blocker / "entries.pack", {"a": b"first"})  # a miss next time, not an error
    assert EntryPack(blocker / "entries.pack").get("a") is None
    with pytest.raises(ValueError, match="no spaces or line breaks"):
        EntryPack(folder / "entries.pack").put("a key", b"")
