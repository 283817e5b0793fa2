"""Fill empty English msgstr entries from a Python dict file (maintainer tool).

Usage: python tools/fill_translations.py DICT_FILE   (the file defines T = {french: english})
Only empty entries are filled; existing translations are never overwritten.
"""

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "translations/en/LC_MESSAGES/messages.po"


def main(dict_file: str) -> None:
    translations = runpy.run_path(dict_file)["T"]
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    filled = 0
    for message in catalog:
        if message.id and not message.string and message.id in translations:
            message.string = translations[message.id]
            message.flags.discard("fuzzy")
            filled += 1
    catalog.fuzzy = False
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)
    empty = sum(1 for m in catalog if m.id and not m.string)
    print(f"filled {filled}, still empty {empty}")


if __name__ == "__main__":
    main(sys.argv[1])
