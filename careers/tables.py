"""The site-wide base of every data table (django-tables2), drawn by includes/table.html.

It adds what the stock table lacks for readers and screen readers alike: a caption and a line
of detail under it (source and release), row headers, reference rows kept out of sorting (the
U.S. row of a state table), footnotes for whatever markers the rows shown contain, sort and
page links built from validated values only, and the rows as the site's CSV writer
(careers.csvfile) wants them.

A column takes part in the footnotes by having a `note(record)` method that returns an object
with `key` and `order` (salaries.figures.Note), or None for a plain value.
"""

from functools import cached_property

import django_tables2 as tables
from django_tables2.rows import BoundRow


class AccessibleTable(tables.Table):
    """A table with a caption, row headers, reference rows and footnotes for its markers.

    link_params: the normalised query (dict) that sort and page links start from; a cached table
    must set it so that its links never carry a visitor's raw query string.
    """

    row_headers = True

    def __init__(
        self,
        data,
        *,
        caption="",
        caption_detail="",
        html_id="table",
        link_params=None,
        link_path="",
        link_anchor="",
        reference=(),
        **kwargs,
    ):
        # The id joins the attributes the table's Meta declares (or the caller passes).
        attrs = kwargs.get("attrs") or dict(type(self)._meta.attrs or {})
        kwargs["attrs"] = {**attrs, "id": html_id}
        super().__init__(data, **kwargs)
        self.caption = caption
        self.caption_detail = caption_detail
        self.html_id = html_id
        self.link_params = link_params
        self.link_path = link_path
        self.link_anchor = link_anchor
        self.reference_records = list(reference)
        self.reference_rows = [BoundRow(record, table=self) for record in self.reference_records]

    @classmethod
    def sort_keys(cls) -> set[str]:
        """Every value ?sort= may take for this table; anything else means the default order."""
        # A column's own orderable=None means "as the table's Meta says".
        default = cls._meta.orderable
        names = [
            name
            for name, column in cls.base_columns.items()
            if (default if column.orderable is None else column.orderable)
        ]
        return {*names, *(f"-{name}" for name in names)}

    @classmethod
    def valid_sort(cls, raw) -> str | None:
        """`raw` if it is a sort this table knows, else None (the table's default order)."""
        return raw if raw in cls.sort_keys() else None

    def note_columns(self):
        return [column.column for column in self.columns if hasattr(column.column, "note")]

    def cell_notes(self):
        """Every footnote a cell shown asks for (duplicates included)."""
        columns = self.note_columns()
        records = [row.record for row in self.paginated_rows] + self.reference_records
        for record in records:
            for column in columns:
                note = column.note(record)
                if note is not None:
                    yield note

    @cached_property
    def notes(self):
        """Footnotes for the markers that appear in the rows shown, once each, in fixed order."""
        unique = {note.key: note for note in self.cell_notes()}
        return sorted(unique.values(), key=lambda note: note.order)

    def csv_columns(self):
        """The columns a download holds: every column shown that is not excluded from export."""
        return [column for column in self.columns if not column.column.exclude_from_export]

    def csv_rows(self, *, context=()):
        """The header row, then one row per record in the order shown, reference rows first (as
        on the page), for careers.csvfile: values, not text made for reading.

        A column may say how it goes into a file with `csv_headers(header)` (the names of the
        cells it fills) and `csv_values(record)` (those cells, numbers as int or Decimal);
        otherwise it fills one cell with its export value. `context` is (header, value) pairs
        added to every row, such as the source and the release, so that each row stands alone.
        """
        columns = self.csv_columns()
        header = []
        for bound in columns:
            name = str(bound.header)
            column = bound.column
            header.extend(column.csv_headers(name) if hasattr(column, "csv_headers") else [name])
        header.extend(name for name, _ in context)
        rows = [header]
        records = [*self.reference_records, *(row.record for row in self.rows)]
        for record in records:
            row = BoundRow(record, table=self)
            cells = []
            for bound in columns:
                column = bound.column
                if hasattr(column, "csv_values"):
                    cells.extend(column.csv_values(record))
                else:
                    cells.append(row.get_cell_value(bound.name))
            cells.extend(value for _, value in context)
            rows.append(cells)
        return rows
