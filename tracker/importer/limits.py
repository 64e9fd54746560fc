"""What one import may hold, so that no file can keep a worker busy for more than a few seconds.

A real report has a few hundred paragraphs, tables of a few dozen rows, cells
of a few hundred characters, and a `word/document.xml` of a few megabytes;
the limits leave room for ten times that.
"""
MAX_PART_BYTES = 12 * 1024 * 1024  # unpacked size of one part of a .docx (a real report: 1-3 MB)
MAX_PARAGRAPHS = 20_000  # paragraphs of a Word file, lines of a text export
MAX_TABLE_ROWS = 2_000  # rows of one table
MAX_CELL_CHARACTERS = 20_000  # characters of one table cell (or one paragraph)
MAX_STEPS = 3_000  # steps of all measures: what the preview shows
