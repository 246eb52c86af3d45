"""Writing a drill's shareable report to files: shared by `barraiser drill --pdf` and
`barraiser report` (subcommands never import each other)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from agents.cli.common import CLIError

if TYPE_CHECKING:
    from agents.drill.sessions import SessionStore
    from agents.drill.state import DrillState


def write_report(
    state: DrillState, store: SessionStore | None, pdf: str | None, md: str | None
) -> list[Path]:
    """Write the report of `state` to the PDF and/or Markdown paths given; returns them."""
    from agents.drill.report import build_report
    from agents.ui.report_pdf import ReportPDFError, progress_until, write_report_pdf

    report = build_report(state)
    written: list[Path] = []
    if md:
        out = Path(md)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(report.markdown, "utf-8")
        except OSError as e:
            raise CLIError(f"could not write {out}: {e.strerror or e}") from e
        written.append(out)
    if pdf:
        progress = store.progress(state.user) if store is not None else []
        try:
            write_report_pdf(Path(pdf), report, progress_until(progress, state.id))
        except ReportPDFError as e:
            raise CLIError(str(e)) from e
        written.append(Path(pdf))
    return written
