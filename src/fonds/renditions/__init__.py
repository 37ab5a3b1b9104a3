"""Renditions with files: scans (page images), transcripts and translations attached to records.

`files.py` keeps the files content-addressed beside the database; `pdf.py` reads PDFs (text layer,
page images); `ocr.py` runs Tesseract in worker processes; `htmltext.py` cleans word-processor HTML
to paragraphs; `align.py` aligns the paragraphs of two renditions; `attach.py` puts them together.
"""
