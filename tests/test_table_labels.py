"""Column headings copied onto cells: what tables.css shows above each fact on a phone."""

from __future__ import annotations

import html as html_lib
import random
import re

from generator.table_labels import label_table_cells

TABLE = """<table>
<thead>
<tr>
<th style="text-align: left;">Level <abbr title="x">of</abbr> care</th>
<th>Hours &amp; days</th>
</tr>
</thead>
<tbody>
<tr>
<td style="text-align: left;"><strong>IOP</strong></td>
<td>9 "or" more</td>
</tr>
<tr>
<td>PHP</td>
<td>20</td>
</tr>
</tbody>
</table>"""


def test_every_body_cell_gets_its_column_heading_as_plain_text() -> None:
    html = label_table_cells(TABLE)
    assert '<td data-label="Level of care" style="text-align: left;"><strong>IOP' in html
    assert '<td data-label="Hours &amp; days">9 "or" more</td>' in html
    assert html.count('data-label="Level of care"') == 2
    assert html.count('data-label="Hours &amp; days"') == 2


def test_headings_are_not_labelled_and_text_outside_tables_is_untouched() -> None:
    page = f"<p>Before <td>not a table</td></p>\n{TABLE}\n<p>After</p>"
    html = label_table_cells(page)
    assert "<th data-label" not in html
    assert html.startswith("<p>Before <td>not a table</td></p>")
    assert html.endswith("<p>After</p>")


def test_a_table_without_headings_is_left_as_it_is() -> None:
    table = "<table>\n<tbody>\n<tr>\n<td>a</td>\n</tr>\n</tbody>\n</table>"
    assert label_table_cells(table) == table


def test_a_row_longer_than_its_headings_leaves_extra_cells_unlabelled() -> None:
    table = TABLE.replace("<td>20</td>", "<td>20</td>\n<td>extra</td>")
    assert "\n<td>extra</td>" in label_table_cells(table)


# The patterns this module used before it found tables with str.find: the reference that the
# faster code must agree with, on well-formed tables and on broken ones.
_TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)
_HEAD = re.compile(r"<thead>(.*?)</thead>", re.DOTALL)
_BODY = re.compile(r"<tbody>(.*?)</tbody>", re.DOTALL)
_HEADING = re.compile(r"<th\b[^>]*>(.*?)</th>", re.DOTALL)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
_CELL_START = re.compile(r"<td\b")
_TAG = re.compile(r"<[^>]+>")


def _reference(html: str) -> str:
    def plain(fragment: str) -> str:
        return " ".join(html_lib.unescape(_TAG.sub("", fragment)).split())

    def label_table(match: re.Match[str]) -> str:
        head = _HEAD.search(match.group(1))
        if head is None:
            return match.group(0)
        labels = [plain(heading) for heading in _HEADING.findall(head.group(1))]

        def label_row(row: str) -> str:
            cells = iter(labels)

            def labelled(cell: re.Match[str]) -> str:
                label = next(cells, "")
                if not label:
                    return cell.group(0)
                return f'<td data-label="{html_lib.escape(label, quote=True)}"'

            return _CELL_START.sub(labelled, row)

        def label_body(body: re.Match[str]) -> str:
            rows = _ROW.sub(lambda row: f"<tr>{label_row(row.group(1))}</tr>", body.group(1))
            return f"<tbody>{rows}</tbody>"

        return f"<table>{_BODY.sub(label_body, match.group(1))}</table>"

    return _TABLE.sub(label_table, html)


_PIECES = (
    "<table>", "</table>", "<thead>", "</thead>", "<tbody>", "</tbody>", "<tr>", "</tr>",
    "<th>", '<th style="x">', "</th>", "<td>", '<td class="c">', "<td", "<tdx>", "<td_>",
    "<tdé>", "</td>", "A &amp; B", " ", "\n", "<abbr title=\"t\">IOP</abbr>", "", "Ñ", "<p>",
)  # fmt: skip


def _random_table(chooser: random.Random) -> list[str]:
    """A table's tags and text as a list, with a few tags then dropped, added or moved."""
    pick = chooser.choice
    columns = chooser.randint(0, 4)
    parts = ["<table>", "\n"]
    if chooser.random() < 0.9:
        parts += ["<thead>", "<tr>"]
        for _ in range(columns):
            parts += [pick(("<th>", '<th style="x">')), pick(_PIECES[18:]), "</th>"]
        parts += ["</tr>", "</thead>"]
    for _ in range(chooser.randint(0, 2)):
        parts.append("<tbody>")
        for _ in range(chooser.randint(0, 3)):
            parts.append("<tr>")
            for _ in range(columns + chooser.randint(-1, 1)):
                parts += [pick(_PIECES[11:18]), ">", pick(_PIECES[18:]), "</td>"]
            parts.append("</tr>")
        parts.append("</tbody>")
    parts.append("</table>")
    for _ in range(chooser.randint(0, 3)):
        where = chooser.randrange(len(parts))
        change = chooser.random()
        if change < 0.4:
            del parts[where]
        elif change < 0.8:
            parts.insert(where, pick(_PIECES))
        else:
            parts.insert(chooser.randrange(len(parts)), parts.pop(where))
    return parts


def test_the_same_as_the_patterns_it_replaced_on_random_markup() -> None:
    chooser = random.Random(20261207)
    pages = [
        TABLE,
        f"x{TABLE}y{TABLE}",
        TABLE.replace("</table>", ""),
        TABLE.replace("<thead>", ""),
    ]
    for _ in range(3000):
        parts = [pick for _ in range(chooser.randint(0, 2)) for pick in _random_table(chooser)]
        pages.append("<p>".join(parts) if chooser.random() < 0.1 else "".join(parts))
    labelled = 0
    for page in pages:
        expected = _reference(page)
        assert label_table_cells(page) == expected, page
        labelled += expected != page
    assert labelled > 300  # the random tables do reach the labelling, not only the broken paths
