#!/usr/bin/env python3
"""Writes big5-standard.txt: every character of standard Big5 with its code, as Python's own
codec gives them (CJKCodecs' big5, from the Unicode consortium's BIG5.TXT; no HKSCS, no ETEN
extensions). It is the independent table TestSlipCharactersInStandardEncodings compares qfpos's
Big5 printer encoding with. Run it only if the table is lost: standard Big5 does not change.

    python3 ui/receipt/testdata/standard-codes.py
"""
import os

here = os.path.dirname(os.path.abspath(__file__))
codes = {}
for lead in range(0xA1, 0xFA):
    for trail in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
        try:
            ch = bytes([lead, trail]).decode("big5")
        except UnicodeDecodeError:
            continue
        if len(ch) == 1 and ch not in codes:
            codes[ch] = ch.encode("big5").hex().upper()  # the codec's own choice for duplicates
with open(os.path.join(here, "big5-standard.txt"), "w", encoding="utf-8") as out:
    out.write("# standard Big5: character, code (written by standard-codes.py from Python's codec)\n")
    for ch in sorted(codes):
        out.write(f"U+{ord(ch):04X} {codes[ch]}\n")
