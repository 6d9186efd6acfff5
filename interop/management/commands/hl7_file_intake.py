"""Take ADT messages from files dropped in a folder: `manage.py hl7_file_intake --folder DIR`.

1. Each `*.hl7` file in DIR (oldest first) is read as UTF-8 (ISO 8859-1 when MSH-18 says so)
   and split into messages by the library (`hl7.split_file`; FHS/BHS batch wrappers are
   dropped).
2. Each message goes through `intake.receive`, the same exactly-once path as the listener, so
   a file dropped twice applies nothing twice; a file's messages are taken `BATCH` at a time
   in one transaction each (`intake.receive_many`: one commit a batch, issue 17).
3. The ACKs are written to `DIR/ack/<name>.ack` (one per line), and the file is moved to
   `DIR/done/` when every message was accepted (AA), else to `DIR/error/`.
Without `--once` the folder is polled every `--interval` seconds.
"""

from __future__ import annotations

import time
from pathlib import Path

import hl7
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from interop.hl7 import intake
from interop.hl7.listener import decode

# Messages of a file applied in one transaction (each still in its own savepoint).
BATCH = 50


def take_folder(folder: Path) -> list[tuple[str, list[str]]]:
    """Process every waiting file of `folder`; (file name, ACK codes) per file."""
    for sub in ("ack", "done", "error"):
        (folder / sub).mkdir(exist_ok=True)
    taken = []
    for path in sorted(folder.glob("*.hl7"), key=lambda p: (p.stat().st_mtime, p.name)):
        data = path.read_bytes()
        try:
            text = decode(data)
        except UnicodeDecodeError:
            answers = [intake.build_ack(None, "AR", "Filen är inte korrekt UTF-8 (ange MSH-18).")]
        else:
            normal = text.replace("\r\n", "\r").replace("\n", "\r")
            messages = hl7.split_file(normal) or [normal]
            answers = [
                answer.ack
                for start in range(0, len(messages), BATCH)
                for answer in intake.receive_many(messages[start : start + BATCH])
            ]
        codes = [ack.split("MSA|")[1][:2] for ack in answers]
        (folder / "ack" / f"{path.stem}.ack").write_text(
            "\n".join(a.replace("\r", "\n") for a in answers) + "\n", encoding="utf-8"
        )
        target = "done" if all(code == "AA" for code in codes) else "error"
        path.rename(folder / target / path.name)
        taken.append((path.name, codes))
    return taken


class Command(BaseCommand):
    help = "Tar emot ADT-meddelanden från filer (*.hl7) i en katalog."

    def add_arguments(self, parser):
        parser.add_argument("--folder", required=True)
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--interval", type=float, default=5)

    def handle(self, *args, **options):
        folder = Path(options["folder"])
        if not folder.is_dir():
            raise CommandError(f"Katalogen finns inte: {folder}")
        while True:
            for name, codes in take_folder(folder):
                self.stdout.write(f"{name}: {' '.join(codes)}")
            if options["once"]:
                return
            time.sleep(options["interval"])
            close_old_connections()
