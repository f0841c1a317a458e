"""Geometry for server-side SVG bar charts (pure; the template draws and labels them)."""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH = 640
MARGIN = 10
LABEL_HEIGHT = 16  # each row's label (a competence's name, not its code) on a line of its own
BAR_HEIGHT = 10
ROW_HEIGHT = LABEL_HEIGHT + 2 * BAR_HEIGHT + 8
TOP = 24


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    y: float
    value: float


@dataclass(frozen=True)
class Row:
    label: str
    y: float  # the top of the row; its label's baseline is ``y + LABEL_HEIGHT - 4``
    bars: tuple[Bar | None, ...]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    zero_x: float
    rows: list[Row]
    ticks: list[tuple[float, float]]  # (x, value)
    margin: int = MARGIN


def bar_chart(items: list[tuple[str, tuple[float | None, ...]]], low: float, high: float) -> Chart:
    """Horizontal bars from a zero line; each item has a label and one value per series
    (None for a withheld value, drawn as no bar). The axis spans ``low``..``high``."""
    low, high = min(low, 0.0), max(high, 0.0)
    step = 1.0 if high - low > 2 else 0.5
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    if high == low:
        high = low + step
    scale = (WIDTH - 2 * MARGIN) / (high - low)

    def x_of(value: float) -> float:
        return MARGIN + (value - low) * scale

    zero = x_of(0.0)
    rows = []
    for index, (label, values) in enumerate(items):
        top = TOP + index * ROW_HEIGHT
        bars = []
        for series, value in enumerate(values):
            if value is None:
                bars.append(None)
                continue
            start, end = sorted((zero, x_of(value)))
            bars.append(
                Bar(
                    round(start, 1),
                    round(end - start, 1),
                    top + LABEL_HEIGHT + series * BAR_HEIGHT,
                    value,
                )
            )
        rows.append(Row(label, top, tuple(bars)))
    count = round((high - low) / step)
    ticks = [(round(x_of(low + i * step), 1), low + i * step) for i in range(count + 1)]
    height = TOP + len(items) * ROW_HEIGHT + 10
    return Chart(WIDTH, height, round(zero, 1), rows, ticks)
