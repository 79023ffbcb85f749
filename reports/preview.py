"""Page 1 of a report as a PNG, for the README: ``python -m reports.preview OUT.png [--docx FILE]``.

Without ``--docx`` it renders the hand-built sample report of the test suite (run it from a
checkout). Needs LibreOffice (the PDF) and pdftoppm from poppler-utils (the PNG).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

from reports.pdf import PdfConversionError, convert_to_pdf

RESOLUTION_DPI = 80


def first_page_png(docx: bytes, out: Path, resolution: int = RESOLUTION_DPI) -> Path:
    """Convert the .docx to PDF and its first page to ``out``; a clear error when a tool is missing."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise PdfConversionError("pdftoppm is not installed (apt-get install poppler-utils)")
    with tempfile.TemporaryDirectory(prefix="cchc-preview-") as work:
        source = Path(work) / "report.docx"
        source.write_bytes(docx)
        pdf = convert_to_pdf(source)
        if pdf is None:
            raise PdfConversionError("LibreOffice is not installed (apt-get install libreoffice-writer)")
        prefix = Path(work) / "page"
        command = [
            pdftoppm,
            "-png",
            "-r",
            str(resolution),
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(prefix),
        ]
        subprocess.run(command, check=True, capture_output=True, timeout=60)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(prefix.with_suffix(".png"), out)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m reports.preview", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the PNG to write")
    parser.add_argument("--docx", type=Path, help="a rendered report (default: the sample report)")
    parser.add_argument("--resolution", type=int, default=RESOLUTION_DPI, help="dots per inch")
    args = parser.parse_args(argv)
    if args.docx is not None:
        docx = args.docx.read_bytes()
    else:
        from reports.document import compose
        from reports.render import render_report
        from tests.reports.sample import ISSUE, report

        data = report()
        docx = render_report(data, compose(data), ISSUE)
    print(first_page_png(docx, args.out, args.resolution))


if __name__ == "__main__":
    main()
