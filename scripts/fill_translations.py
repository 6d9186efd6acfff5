"""Fill English msgstr entries of a .po file from a `swedish=english` list (one per line).

Used after `makemessages` (see `make messages`):
`python scripts/fill_translations.py locale/en/LC_MESSAGES/django.po locale/en/sv-en.txt`.

An empty msgstr whose (single-line) msgid is in the list gets the listed English. A fuzzy entry
(msgmerge's guess from a similar old string, which Django does not use) gets the listed English
and loses its flag when its msgid is listed; otherwise it stays fuzzy, so the page shows the
Swedish original rather than a wrong guess. Multi-line and plural entries are edited by hand.
"""

import re
import sys

SINGLE = re.compile(r'^msgid "((?:[^"\\]|\\.)+)"$', re.MULTILINE)


def fill_entry(entry: str, pairs: dict[str, str]) -> str:
    match = SINGLE.search(entry)
    if not match or "msgid_plural" in entry or match.group(1) not in pairs:
        return entry
    english = pairs[match.group(1)]
    lines = entry.split("\n")
    fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
    start = next(i for i, line in enumerate(lines) if line.startswith("msgstr "))
    empty = lines[start] == 'msgstr ""' and not (
        start + 1 < len(lines) and lines[start + 1].startswith('"')
    )
    if not (empty or fuzzy):
        return entry
    kept = []
    for line in lines[:start]:
        if line.startswith("#|"):
            continue  # the previous msgid of a fuzzy guess
        if line.startswith("#,"):
            flags = [f.strip() for f in line[2:].split(",") if f.strip() != "fuzzy"]
            if not flags:
                continue
            line = "#, " + ", ".join(flags)
        kept.append(line)
    return "\n".join([*kept, f'msgstr "{english}"'])


def main(po_path: str, pairs_path: str) -> None:
    pairs = {}
    for line in open(pairs_path, encoding="utf-8"):
        if "=" in line:
            sv, en = line.rstrip("\n").split("=", 1)
            pairs[sv] = en
    text = open(po_path, encoding="utf-8").read()
    entries = text.split("\n\n")
    text = "\n\n".join(fill_entry(entry, pairs) for entry in entries)
    open(po_path, "w", encoding="utf-8").write(text)


if __name__ == "__main__":
    main(*sys.argv[1:3])
