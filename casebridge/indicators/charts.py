"""Charts drawn on the server as SVG: no script, nothing fetched. Each has a title for screen
readers; the page also gives the table it is drawn from and a one-sentence summary."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, BASE = 600, 160, 130


def bars(title: str, points: Sequence[tuple[str, float | None, str]]) -> SafeString:
    """One bar per period: (label, value or None when hidden, the text shown for it)."""
    if not points:
        return mark_safe("")
    most = max((v for _label, v, _text in points if v is not None), default=0) or 1
    step = WIDTH / len(points)
    width = max(2.0, step * 0.7)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<line x1="0" y1="{BASE}" x2="{WIDTH}" y2="{BASE}" class="axis"/>',
    ]
    label_every = max(1, len(points) // 8)
    for i, (label, value, text) in enumerate(points):
        x = i * step + (step - width) / 2
        tip = f"<title>{escape(label)}: {escape(text)}</title>"
        if value is None:  # hidden: a low grey block, never a height that would tell the count
            y, h, kind = BASE - 8.0, 8.0, "hidden"
        else:
            h = max(1.0, (BASE - 10) * value / most)
            y, kind = BASE - h, "bar"
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{h:.1f}" class="{kind}">{tip}</rect>')
        if i % label_every == 0:
            parts.append(f'<text x="{x + width / 2:.1f}" y="{HEIGHT - 12}" text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
