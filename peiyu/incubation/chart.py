"""A resident's growth drawn as an SVG bar chart, on the server and without script: for each
dimension of the rubric a bar per assessed stage, as a share of the dimension's maximum, then
the total per stage. A pure function of its data; every text is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

# One colour per stage, in the order intake, midway, exit; more stages reuse them.
COLOURS = ("#8da9c4", "#f0ad4e", "#198754", "#6f42c1")
TOP, BOTTOM, LEFT, RIGHT = 48, 64, 56, 16
PLOT_HEIGHT = 200
BAR, GAP = 18, 22  # bar width; space between groups
GROUP_MIN = 76  # wide enough for a six-character name below the group
CHAR = 12  # the width of a Chinese character at font-size 12


@dataclass(frozen=True)
class Stage:
    """One assessed stage: its key (``intake``), its label, the share of the maximum per
    dimension (0–1, in the order of the dimensions; ``None`` where it was not scored) and the
    share of the whole rubric's maximum."""

    key: str
    label: str
    shares: Sequence[Decimal | None]
    total: Decimal


@dataclass(frozen=True)
class Labels:
    """The chart's words, translated by the caller."""

    title: str
    axis: str  # the value axis: share of the maximum
    total: str  # the last group's name
    empty: str  # shown when nothing was assessed yet


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _short(name: str, width: float) -> str:
    """The name cut to the group's width; the full name is the group's tooltip."""
    room = max(int(width // CHAR), 2)
    return name if len(name) <= room else name[: room - 1] + "…"


def _percent(share: Decimal) -> str:
    return f"{min(max(share, Decimal(0)), Decimal(1)) * 100:.1f}"


def growth_svg(*, dimensions: Sequence[str], stages: Sequence[Stage], labels: Labels) -> str:
    """The chart as an SVG document. ``dimensions`` are the names in rubric order; ``stages``
    the assessed stages in order (none, one, two or three)."""
    groups = [*dimensions, labels.total]
    bars = max(len(stages), 1)
    group_width = max(bars * BAR + GAP, GROUP_MIN)
    width = max(LEFT + len(groups) * group_width + RIGHT, 360)
    height = TOP + PLOT_HEIGHT + BOTTOM
    base = TOP + PLOT_HEIGHT
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_text(labels.title)}" '
        'font-family="sans-serif" font-size="12">',
        f"<title>{_text(labels.title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    out += _axis(width, base, labels.axis)
    if not stages:
        out.append(
            f'<text x="{width / 2:.0f}" y="{TOP + PLOT_HEIGHT / 2:.0f}" text-anchor="middle" '
            f'fill="#6c757d" data-empty="true">{_text(labels.empty)}</text>'
        )
    else:
        out += _legend(stages)
    for index, name in enumerate(groups):
        left = LEFT + index * group_width + (group_width - bars * BAR) / 2
        is_total = index == len(dimensions)
        out.append(f'<g data-group="{_text("total" if is_total else name)}"><title>{_text(name)}</title>')
        for position, stage in enumerate(stages):
            share = stage.total if is_total else stage.shares[index]
            if share is None:
                continue
            value = _percent(share)
            bar_height = PLOT_HEIGHT * float(value) / 100
            out.append(
                f'<rect x="{left + position * BAR:.1f}" y="{base - bar_height:.1f}" width="{BAR - 2}" '
                f'height="{bar_height:.1f}" fill="{COLOURS[position % len(COLOURS)]}" '
                f'data-stage="{_text(stage.key)}" data-dimension="{_text("total" if is_total else name)}" '
                f'data-value="{value}"><title>{_text(stage.label)}: {value}%</title></rect>'
            )
        centre = left + bars * BAR / 2
        weight = ' font-weight="bold"' if is_total else ""
        out.append(
            f'<text x="{centre:.1f}" y="{base + 16}" text-anchor="middle"{weight}>{_text(_short(name, group_width - 4))}</text>'
        )
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def _axis(width: int, base: int, label: str) -> list[str]:
    """Grid lines every 25 % with their values, and the value axis's label."""
    lines = []
    for percent in (0, 25, 50, 75, 100):
        y = base - PLOT_HEIGHT * percent / 100
        colour = "#495057" if percent == 0 else "#dee2e6"
        lines.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{width - RIGHT}" y2="{y:.1f}" stroke="{colour}"/>')
        lines.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#6c757d">{percent}</text>'
        )
    middle = TOP + PLOT_HEIGHT / 2
    lines.append(
        f'<text x="14" y="{middle:.0f}" text-anchor="middle" fill="#495057" '
        f'transform="rotate(-90 14 {middle:.0f})">{_text(label)}</text>'
    )
    return lines


def _legend(stages: Sequence[Stage]) -> list[str]:
    items, x = [], LEFT
    for position, stage in enumerate(stages):
        colour = COLOURS[position % len(COLOURS)]
        items.append(
            f'<rect x="{x}" y="16" width="12" height="12" fill="{colour}" data-legend="{_text(stage.key)}"/>'
        )
        items.append(f'<text x="{x + 16}" y="26">{_text(stage.label)}</text>')
        x += 16 + CHAR * len(stage.label) + 16
    return items
