#!/usr/bin/env python3
"""Writes big5-standard.txt: every code of standard Big5 with the character it reads as, as
Python's own codec decodes them (CJKCodecs' big5, from the Unicode consortium's BIG5.TXT; no HKSCS, no ETEN
extensions). It is the independent table TestSlipCharactersInStandardEncodings compares qfpos's
Big5 printer encoding with. Run it only if the table is lost: standard Big5 does not change.

    python3 ui/receipt/testdata/standard-codes.py
"""
import os

here = os.path.dirname(os.path.abspath(__file__))
lines = []
for lead in range(0xA1, 0xFA):
    for trail in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
        try:
            ch = bytes([lead, trail]).decode("big5")
        except UnicodeDecodeError:
            continue
        if len(ch) == 1:
            lines.append(f"{lead:02X}{trail:02X} U+{ord(ch):04X}\n")
with open(os.path.join(here, "big5-standard.txt"), "w", encoding="utf-8") as out:
    out.write("# standard Big5: code, the character it reads as (written by standard-codes.py from Python's codec)\n")
    out.writelines(lines)
