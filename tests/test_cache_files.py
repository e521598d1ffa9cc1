"""The helpers every cache folder is written and tidied with (generator.cache_files): a cache
that cannot be written or tidied is a miss, never a failed build, and never a half-written entry."""

from __future__ import annotations

from pathlib import Path

from generator.cache_files import remove_unused, write_atomically


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
