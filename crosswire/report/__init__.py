"""Situation reports, charts and exports.

    rep = situation_report(engine, topic=None, since="2025-01-01", until="2025-03-31")
    to_markdown(rep); to_html(rep); to_pdf(rep)
"""
from .render import to_html, to_markdown, to_pdf
from .situation import situation_report

__all__ = ["situation_report", "to_html", "to_markdown", "to_pdf"]
