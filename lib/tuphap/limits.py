"""Every limit the inputs are held to, in one place, each with the reason for its value.

An input beyond a limit is refused up front, before it is parsed, with a message naming the file
(docs/data-format.md, "Limits", lists them for analysts). The values sit far above anything a
commune's real files hold, and far below what would exhaust memory or crash a library.
"""
from __future__ import annotations

# Figures -----------------------------------------------------------------------------------------
# Largest absolute value of any figure (count, number, percent): a commune's count never nears it,
# a float holds every integer up to it exactly, and Babel's Decimal formatting prints it.
LARGEST_FIGURE = 10**15

# Files, checked by their size on disk before a byte is read ----------------------------------------
# A CSV of the data (values of a year, the registry, the catalogue, the rules): the whole country's
# communes times every indicator is well under this, and it is read into memory in seconds.
MAX_CSV_BYTES = 64 * 1024 * 1024
# Rows of one CSV file, header excluded: a province's communes times every indicator, many times over.
MAX_CSV_ROWS = 500_000
# A YAML file (params, report kinds): a page of document metadata is a few kilobytes.
MAX_YAML_BYTES = 1024 * 1024
# A narrative file (one commune's prose for one year): a long report's text is about 50 KB.
MAX_NARRATIVE_BYTES = 1024 * 1024

# Structure -------------------------------------------------------------------------------------------
# Nesting of YAML collections: params nest three levels; PyYAML recurses once per level and a deep
# enough file overflows the C stack (a segfault), so depth is counted on the event stream first.
MAX_YAML_DEPTH = 20

# Error output ------------------------------------------------------------------------------------------
# Findings (and load problems) shown per file, in the terminal, the ledger and the site; the rest are
# counted in one line per file. Twenty show what is wrong; 200,000 bad rows would print for minutes.
MAX_FINDINGS_PER_FILE = 20

# Text fields -------------------------------------------------------------------------------------------
# A unit's name, district, province or hamlet word: these enter the report's title and the Word
# file's core properties, which hold at most 255 characters; the longest real name is about 30.
MAX_NAME_CHARS = 100
# A report's title and author, filled in: a Word file's core properties hold at most 255 characters.
MAX_TITLE_CHARS = 255
# Any other cell of a data CSV (a label, a note, a rule's expression or message) and any text value
# of params: a long sentence fits; a pasted page does not belong in one field.
MAX_FIELD_CHARS = 2000

# Names that become files ---------------------------------------------------------------------------------
# A slug is a folder and file name (<slug>.yaml, <slug>.xlsx, district-<slug>/, .<slug>.new/): with the
# longest of those around it, 120 ASCII characters stay far under every filesystem's 255-byte limit for
# one name, and still hold the slug of the longest name allowed (MAX_NAME_CHARS).
MAX_SLUG_CHARS = 120
# Names Windows reserves for devices, with or without an extension: a folder or file so named cannot
# be created or copied there, so a slug may not be one.
RESERVED_NAMES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(10)] + [f"lpt{i}" for i in range(10)]
)

# Excel forms: what `tuphap ingest` checks before a sheet is loaded, and `tuphap form`'s file names -------
# A filled form's file, checked before it is read: `tuphap form` writes about 20 KB.
MAX_FORM_BYTES = 1024 * 1024
# What the form's archive holds once unpacked, as its directory declares it (Python's zipfile never
# inflates a part beyond that): a form unpacks to about 70 KB, and what openpyxl builds from any
# 1 MB of parts stays under about 100 MB.
MAX_FORM_UNPACKED_BYTES = 1024 * 1024
# Sheets of one workbook: a form has one per catalogue section plus its guide and identity sheets (9 now).
MAX_FORM_SHEETS = 50
# Rows and columns a form's sheet may reach (its declared dimension, then every row read): a section
# sheet fills about 25 rows of columns A to E; Excel's own limit (row 1048576) is what a hostile file uses.
MAX_FORM_ROWS = 1000
MAX_FORM_COLUMNS = 26
# Cells stored in one sheet, empty formatted ones included, counted as the sheet is read: a section
# sheet stores about 150; a file may repeat cells without changing its declared dimension.
MAX_FORM_CELLS = 10_000
# A form's file name (<slug>.xlsx), checked for every unit before any form is written: the most bytes
# ext4, NTFS and APFS hold in one name.
MAX_FILE_NAME_BYTES = 255
