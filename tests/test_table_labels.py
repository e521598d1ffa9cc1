"""Column headings copied onto cells: what tables.css shows above each fact on a phone."""

from __future__ import annotations

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
