"""Fill empty msgstr entries of a .po file from a `swedish=english` list (one per line).

Used when new strings are added:
`python scripts/fill_translations.py locale/en/LC_MESSAGES/django.po locale/en/sv-en.txt`.
"""

import re
import sys


def main(po_path: str, pairs_path: str) -> None:
    pairs = {}
    for line in open(pairs_path, encoding="utf-8"):
        if "=" in line:
            sv, en = line.rstrip("\n").split("=", 1)
            pairs[sv] = en
    text = open(po_path, encoding="utf-8").read()

    def fill(match: re.Match) -> str:
        msgid = match.group(1)
        english = pairs.get(msgid)
        if english is None:
            return match.group(0)
        return f'msgid "{msgid}"\nmsgstr "{english}"'

    text = re.sub(r'msgid "((?:[^"\\]|\\.)+)"\nmsgstr ""(?!\n")', fill, text)
    text = text.replace("#, fuzzy\n", "")
    open(po_path, "w", encoding="utf-8").write(text)


if __name__ == "__main__":
    main(*sys.argv[1:3])
