"""Builds the training corpus `analytics/injection/data/train.jsonl` (not imported at run time).

    /work/venv/bin/python -m analytics.injection.corpus.build

Sources: hand-written lines (`*.txt` here: attacks and benign look-alikes, English and 17
other languages), paraphrase templates (`templates.py`), obfuscations of attack lines and
legitimate encoded data (`encoders.py`), and realistic tool-result wrappers (`wrappers.py`:
JSON, email, tickets, HTML with comments and hidden divs, markdown, search results...) that put
a line in the middle of ordinary filler. Attacks and benign lines go through the same wrappers
with the same odds, so the wrapper itself carries no label. Seeded: the same sources give the
same file.
"""
