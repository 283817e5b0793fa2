"""Read the rows of a spreadsheet file as people save it: CSV (UTF-8 with or without BOM,
UTF-16, Windows-1252; `,` `;` or tab; any line ending) or Excel `.xlsx`.

Everything a hostile or broken file can do ends in a SheetError with a plain message: no
exception of the csv module or of openpyxl reaches the page.
"""

import codecs
import csv
import io
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import gettext as _

log = logging.getLogger(__name__)

SEPARATORS = (",", ";", "\t")
SEPARATOR_NAMES = {",": ",", ";": ";", "\t": "tab"}
MAX_ROWS = 10_000
MAX_COLUMNS = 500
CELL_LIMIT = 100_000  # characters; a longer cell is refused before it is parsed further
XLSX_UNZIPPED_LIMIT = 60 * 1024 * 1024  # a zip bomb stops here
XLSX_MEMBERS_LIMIT = 1_000
ZIP_MAGIC = b"PK\x03\x04"
# Control characters nobody types; tab and line breaks stay.
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class SheetError(ValueError):
    """The file cannot be read as a table; the message says why, in plain words."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.line = line


@dataclass
class Sheet:
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number, cells)
    format: str = "csv"
    encoding: str = ""
    separator: str = ""


def without_controls(value: str) -> str:
    """Drop NUL and other control characters; PostgreSQL refuses NUL and nobody types one."""
    return CONTROLS.sub("", value) if CONTROLS.search(value) else value


def decode(content: bytes) -> tuple[str, str]:
    """The text and the name of its encoding: a BOM first, then UTF-8, then Windows-1252."""
    for bom, codec, name in ((codecs.BOM_UTF8, "utf-8", "UTF-8"),
                             (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
                             (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16")):
        if content.startswith(bom):
            try:
                return content[len(bom):].decode(codec), name
            except UnicodeDecodeError as error:
                raise SheetError(_("Le fichier annonce l’encodage %(name)s mais ne le respecte "
                                   "pas.", name=name)) from error
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as error:
        raise SheetError(_("L’encodage de ce fichier n’est pas reconnu. Enregistrez-le en "
                           "« CSV UTF-8 » ou en .xlsx.")) from error


def _fold(name: str) -> str:
    return without_controls(name).strip().strip("\ufeff").strip().lower()


def guess_separator(first_line: str, known: set[str]) -> str:
    """The separator that makes the most known column names of the header line."""
    def score(separator):
        cells = next(csv.reader([first_line], delimiter=separator), [])
        return (sum(_fold(cell) in known for cell in cells), len(cells))
    return max(SEPARATORS, key=score)


def read_csv(content: bytes, known: set[str]) -> Sheet:
    text, encoding = decode(content)
    # Old Mac files end lines with CR alone: one convention before the csv module reads it.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    separator = guess_separator(text.split("\n", 1)[0][:CELL_LIMIT], known)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    table: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):  # noqa: B007 (used after the loop)
            if cells:
                table.append((number, cells))
            if len(table) > MAX_ROWS + 1:
                raise SheetError(_("Plus de %(n)s lignes : coupez le fichier en plusieurs.",
                                   n=MAX_ROWS))
    except csv.Error as error:
        line = number + 1
        if "field larger than field limit" in str(error):
            raise SheetError(_("Une cellule est trop longue (plus de %(n)s caractères).",
                               n=csv.field_size_limit()), line) from error
        raise SheetError(_("Le fichier CSV est mal formé à cet endroit (un guillemet "
                           "non fermé ?)."), line) from error
    return _sheet(table, "csv", encoding, SEPARATOR_NAMES[separator])


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check_zip(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise SheetError(_("Ce fichier .xlsx est abîmé ou n’en est pas un.")) from error
    if len(members) > XLSX_MEMBERS_LIMIT or \
            sum(member.file_size for member in members) > XLSX_UNZIPPED_LIMIT:
        raise SheetError(_("Ce fichier .xlsx est trop gros une fois décompressé."))


def read_xlsx(content: bytes) -> Sheet:
    """The first sheet; formulas give the value Excel saved with them."""
    import openpyxl

    _check_zip(content)
    table: list[tuple[int, list[str]]] = []
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            for number, values in enumerate(sheet.iter_rows(values_only=True,
                                                            max_col=MAX_COLUMNS), start=1):
                cells = [_cell_text(value) for value in values]
                while cells and not cells[-1]:
                    cells.pop()
                if cells:
                    table.append((number, cells))
                if len(table) > MAX_ROWS + 1 or number > 4 * MAX_ROWS:
                    raise SheetError(_("Plus de %(n)s lignes : coupez le fichier en plusieurs.",
                                       n=MAX_ROWS))
        finally:
            workbook.close()
    except SheetError:
        raise
    except Exception as error:  # a hostile file can raise anything inside openpyxl
        log.info("xlsx import refused: %s", type(error).__name__)
        raise SheetError(_("Ce fichier .xlsx n’a pas pu être lu. Ouvrez-le dans votre tableur "
                           "et enregistrez-le de nouveau.")) from error
    return _sheet(table, "xlsx", "", "")


def _sheet(table, kind: str, encoding: str, separator: str) -> Sheet:
    if not table:
        raise SheetError(_("Le fichier est vide."), 1)
    header_line, header = table[0]
    if len(header) > MAX_COLUMNS:
        raise SheetError(_("Trop de colonnes (%(n)s au plus).", n=MAX_COLUMNS), header_line)
    rows = []
    for number, cells in table[1:]:
        if any(len(cell) > CELL_LIMIT for cell in cells):
            raise SheetError(_("Une cellule est trop longue (plus de %(n)s caractères).",
                               n=CELL_LIMIT), number)
        rows.append((number, [unicodedata.normalize("NFC", without_controls(cell))
                              for cell in cells]))
    return Sheet([_fold(name) for name in header], rows, kind, encoding, separator)


def read_sheet(content: bytes, known: set[str]) -> Sheet:
    """A CSV or .xlsx file, told apart by its content, never by its name."""
    if content.startswith(ZIP_MAGIC):
        return read_xlsx(content)
    return read_csv(content, known)
