"""A report's three files from its executed notebooks: rendered, read back by the document check, and
only then written, all three, into the folder the build is making (runtime/staging.py puts that folder
in place of the report's as a whole). Each file records the build id, so they can be told apart by build."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tuphap.atomic import write_atomically
from tuphap.check.document import check_report
from tuphap.check.findings import describe
from tuphap.errors import DocumentDefects


@dataclass(frozen=True)
class Document:
    """What is said about a report file besides its content: its metadata and where it came from."""
    title: str
    author: str  # the issuing body: "UBND thị trấn Tân Khai", "Sở Tư pháp tỉnh Bình Phước"
    mode: str  # draft | final
    built_at: str
    data_hash: str
    unit: str  # the report's key for findings: a unit slug or a roll-up's level-area
    year: int
    build_id: str = ""  # the HTML's <meta name="tuphap-build">, the PDF's /tuphapbuild, the Word file's identifier

    @property
    def mode_label(self) -> str:
        return {"draft": "Bản dự thảo", "final": "Bản chính thức"}[self.mode]


def write_report(notebooks: list[Path], document: Document, report_dir: Path, root: Path, *,
                 into: Path | None = None) -> int:
    """Render report.html, report.pdf and report.docx from executed notebooks, check what they say
    (check/document.py), and only then write all three, into `into` (a folder that will become
    `report_dir`) or else `report_dir`; returns how many missing-data markers the report shows. A
    defect found writes nothing. Findings name the files as they will be, under `report_dir`."""
    from tuphap.assemble.docx.writer import render_docx  # nbconvert and WeasyPrint load slowly:
    from tuphap.assemble.page import render_page, section_html  # only when a report is assembled
    from tuphap.assemble.pdf import render_pdf

    final = document.mode == "final"
    sections = section_html(notebooks, final=final)
    screen = render_page(sections, document, for_print=False)
    printed = render_page(sections, document, for_print=True)
    files = {"report.html": screen.encode("utf-8"), "report.pdf": render_pdf(printed, report_dir),
             "report.docx": render_docx(printed, document)}
    shown = report_dir.relative_to(root) if report_dir.is_relative_to(root) else report_dir
    defects = check_report(screen, files["report.pdf"], files["report.docx"], unit=document.unit, year=document.year,
                           files={name: (shown / name).as_posix() for name in files}, final=final)
    if defects:
        raise DocumentDefects(defects, [describe(finding) for finding in defects])
    for name, content in files.items():
        write_atomically((into or report_dir) / name, content)
    return screen.count('class="missing"')
