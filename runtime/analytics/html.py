"""The daily report as one self-contained HTML page with inline SVG bar charts.

No script, no CDN, no external request: the charts are SVG drawn here, the only style sheet is
inline and allowed by its hash in a strict Content-Security-Policy (``default-src 'none'``).
Every piece of text from the store (destinations, variants, providers) is HTML-escaped.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from html import escape

from runtime.analytics.report import DailyReport

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #1d2733; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table.kpi { border-collapse: collapse; } .kpi td { padding: .25rem 1.5rem .25rem 0; }
.kpi td.v { font-weight: 600; text-align: right; } .muted { color: #5b6775; }
svg { display: block; max-width: 100%; } svg text { font: 13px system-ui, sans-serif; }
nav a { margin-right: 1rem; } form { margin: 1rem 0; }
"""
BAR_COLOR = "#2f6fdf"
ROW_H = 26
LABEL_W = 170
BAR_W = 360
VALUE_W = 170  # room for the value text right of the longest bar


def style_hash() -> str:
    """The CSP source for the inline style sheet."""
    digest = hashlib.sha256(STYLE.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy() -> str:
    """Nothing may load or run; only our own style sheet applies."""
    return (
        f"default-src 'none'; style-src {style_hash()}; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


def bar_chart(
    title: str, rows: Sequence[tuple[str, float, str]], *, full: float | None = None
) -> str:
    """A horizontal bar chart: one row per (label, value, value as text).

    A bar spans the whole width at ``full`` (1.0 for shares and rates), else at the largest value.
    """
    if not rows:
        return f'<p class="muted">{escape(title)}: no data.</p>'
    top = full or max(value for _, value, _ in rows) or 1.0
    height = ROW_H * len(rows) + 8
    width = LABEL_W + BAR_W + VALUE_W
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value, shown) in enumerate(rows):
        y = 4 + i * ROW_H
        bar = max(1.0, BAR_W * value / top) if value > 0 else 0.0
        parts.append(
            f'<text x="{LABEL_W - 8}" y="{y + 17}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{bar:.1f}" height="{ROW_H - 8}" '
            f'fill="{BAR_COLOR}" rx="2"/>'
            f'<text x="{LABEL_W + bar + 6:.1f}" y="{y + 17}">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f} %"


def _shares(shares: Mapping[str, float]) -> list[tuple[str, float, str]]:
    return [(name, share, _pct(share)) for name, share in shares.items()]


def _kpis(report: DailyReport) -> str:
    lat = report.latency_ms
    rows = [
        ("Daily active sessions", str(report.active_sessions)),
        ("Messages", str(report.messages)),
        (
            "Conversion rate",
            f"{_pct(report.conversion_rate)} ({report.converted_sessions} of "
            f"{report.inquiry_sessions} inquiring sessions)",
        ),
        ("Fallback rate", _pct(report.fallback_rate)),
        ("Degraded (cloud NLU unavailable)", _pct(report.degraded_rate)),
        (
            "Response time p50 / p95 / p99",
            " / ".join("n/a" if lat[k] is None else f"{lat[k]} ms" for k in ("p50", "p95", "p99")),
        ),
    ]
    cells = "".join(
        f'<tr><td>{escape(name)}</td><td class="v">{escape(value)}</td></tr>'
        for name, value in rows
    )
    return f'<table class="kpi">{cells}</table>'


def _nav(links: Mapping[str, str]) -> str:
    anchors = "".join(f'<a href="{escape(url)}">{escape(text)}</a>' for text, url in links.items())
    return f"<nav>{anchors}</nav>" if anchors else ""


def render_report(
    report: DailyReport,
    *,
    links: Mapping[str, str] | None = None,
    hidden_fields: Mapping[str, str] | None = None,
) -> tuple[str, str]:
    """The HTML page and its Content-Security-Policy header value.

    ``links`` (text → URL) become a navigation bar (previous/next day); ``hidden_fields`` are
    carried by the date form (e.g. a token that arrived in the query string).
    """
    lat = report.latency_ms
    latency_rows = [(k, float(v), f"{v} ms") for k, v in lat.items() if v is not None]
    destination_rows = [(d, float(c), str(c)) for d, c in report.destinations]
    variant_rows = [
        (v.variant or "(none)", v.rate or 0.0, f"{_pct(v.rate)} ({v.conversions}/{v.inquiries})")
        for v in report.variants
    ]
    hidden = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
        for k, v in (hidden_fields or {}).items()
    )
    body = [
        f"<h1>Travel Bot analytics: {escape(report.date)} (UTC)</h1>",
        _nav(links or {}),
        f'<form method="get"><label>Day <input type="date" name="date" '
        f'value="{escape(report.date)}"></label>{hidden} <button>Show</button></form>',
        _kpis(report),
        "<h2>Popular destinations (sessions asking)</h2>",
        bar_chart("Popular destinations", destination_rows),
        "<h2>Conversion by experiment variant</h2>",
        bar_chart("Conversion by variant", variant_rows, full=1.0),
        "<h2>Response time</h2>",
        bar_chart("Response time percentiles", latency_rows),
        "<h2>NLU provider share</h2>",
        bar_chart("NLU provider share", _shares(report.provider_share), full=1.0),
        "<h2>Sentiment mix</h2>",
        bar_chart("Sentiment mix", _shares(report.sentiment_mix), full=1.0),
    ]
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Travel Bot analytics {escape(report.date)}</title>"
        f"<style>{STYLE}</style></head><body>{''.join(body)}</body></html>"
    )
    return page, content_security_policy()
