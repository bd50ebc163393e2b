"""Server-side SVG charts: geometry computed here, drawn by partials/chart.html.

Every chart keeps its numbers as a table so that screen readers and people who
prefer figures to bars get the same facts.
"""

from dataclasses import dataclass, field
from datetime import date as datetime_date
from html import escape

from django.utils.safestring import SafeString, mark_safe

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
           "#999999", "#882255", "#44AA99"]

WIDTH, HEIGHT = 480, 250
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 10, 56


@dataclass
class Segment:
    series: str
    value: int
    y: float
    height: float
    color: str


@dataclass
class Column:
    label: str  # on the axis
    name: str  # in tooltips
    total: int
    x: float
    label_x: float
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Chart:
    slug: str
    title: str
    unit: str
    columns: list[Column]
    legend: list[tuple[str, str]]  # (series label, colour)
    ticks: list[tuple[float, int]]  # (y, value)
    bar_width: float
    series: list[str]
    table: list[tuple[str, list[int], int]]  # (column label, values per series, total)
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - BOTTOM
    left: int = LEFT
    rotate_labels: bool = False

    @property
    def label_y(self) -> float:
        return self.baseline + 16

    @property
    def tick_x(self) -> int:
        return LEFT - 6

    @property
    def grid_right(self) -> int:
        return WIDTH - RIGHT

    @property
    def empty(self) -> bool:
        return not self.columns

    @property
    def svg(self) -> SafeString:
        return render_svg(self)

    @property
    def legend_html(self) -> SafeString:
        return render_legend(self)

    @property
    def table_html(self) -> SafeString:
        return render_table(self)


def _nice_max(value: int) -> int:
    if value <= 5:
        return max(value, 1)
    step = 10 ** (len(str(value)) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        top = int(step * factor)
        if top >= value:
            return top
    return value


def stacked_columns(
    slug: str,
    title: str,
    data: dict[str, dict[str, int]],
    labels: dict[str, str],
    unit: str = "",
    names: dict[str, str] | None = None,
    short_names: dict[str, str] | None = None,
) -> Chart:
    """Columns (e.g. years) each stacked by series (e.g. demand types).

    `data` maps column label -> series key -> count; `labels` names the series keys
    and fixes their order.
    """
    names = names or {}
    short_names = short_names or {}
    series = [key for key in labels if any(row.get(key) for row in data.values())]
    colors = {key: PALETTE[i % len(PALETTE)] for i, key in enumerate(series)}
    totals = {col: sum(row.values()) for col, row in data.items()}
    top = _nice_max(max(totals.values(), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = max(len(data), 1)
    slot = plot_w / n
    bar_w = max(min(slot * 0.7, 48), 2)
    columns = []
    for i, (label, row) in enumerate(data.items()):
        x = LEFT + i * slot + (slot - bar_w) / 2
        column = Column(
            label=short_names.get(label, label),
            name=names.get(label, label),
            total=totals[label],
            x=round(x, 1),
            label_x=round(x + bar_w / 2, 1),
        )
        y = HEIGHT - BOTTOM
        for key in series:
            value = row.get(key, 0)
            if not value:
                continue
            h = plot_h * value / top
            y -= h
            column.segments.append(Segment(labels[key], value, round(y, 1), round(h, 1), colors[key]))
        columns.append(column)
    # Whole-number gridlines only: counts have no halves.
    values = sorted({int(top * f) for f in (0, 0.25, 0.5, 0.75, 1) if float(top * f).is_integer()})
    ticks = [(round(HEIGHT - BOTTOM - plot_h * v / top, 1), v) for v in values]
    table = [(names.get(label, label), [row.get(key, 0) for key in series], totals[label]) for label, row in data.items()]
    return Chart(
        slug=slug,
        title=title,
        unit=unit,
        columns=columns,
        legend=[(labels[key], colors[key]) for key in series],
        ticks=ticks,
        bar_width=round(bar_w, 1),
        series=[labels[key] for key in series],
        table=table,
        # Long labels on narrow columns would overlap: slant them.
        rotate_labels=max((len(c.label) for c in columns), default=0) * 7.5 > slot,
    )


# Drawing --------------------------------------------------------------------------------------
# Built in Python rather than in a template: a chart has hundreds of nodes, and
# both the template engine and format_html cost microseconds per value, which
# made charts the most expensive part of the country page. Every text that
# comes from data goes through escape(); numbers are formatted by Python.


def render_svg(chart: Chart) -> SafeString:
    slug, title = escape(chart.slug), escape(chart.title)
    parts = [
        f'<svg class="chart-svg" viewBox="0 0 {chart.width} {chart.height}" role="img" '
        f'aria-labelledby="{slug}-svg-title" data-chart="{slug}">'
        f'<title id="{slug}-svg-title">{title} (numbers in the table below)</title>'
    ]
    for y, value in chart.ticks:
        parts.append(
            f'<line class="grid" x1="{chart.left}" x2="{chart.grid_right}" y1="{y}" y2="{y}"/>'
            f'<text class="tick" x="{chart.tick_x}" y="{y}" text-anchor="end" dominant-baseline="middle">{value}</text>'
        )
    for column in chart.columns:
        name = escape(column.name)
        parts.append("<g>")
        for s in column.segments:
            parts.append(
                f'<rect x="{column.x}" y="{s.y}" width="{chart.bar_width}" height="{s.height}" fill="{s.color}">'
                f"<title>{name}: {s.value} {escape(s.series)}</title></rect>"
            )
        label = escape(column.label if len(column.label) <= 16 else column.label[:15] + "…")
        x, y = column.label_x, chart.label_y
        if chart.rotate_labels:
            parts.append(f'<text class="label" x="{x}" y="{y}" text-anchor="end" transform="rotate(-35 {x} {y})">{label}</text>')
        else:
            parts.append(f'<text class="label" x="{x}" y="{y}" text-anchor="middle">{label}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))


def render_legend(chart: Chart) -> SafeString:
    if len(chart.legend) < 2:
        return mark_safe("")
    items = "".join(
        f'<li><span class="swatch" style="background: {color}"></span>{escape(label)}</li>' for label, color in chart.legend
    )
    return mark_safe(f'<ul class="legend">{items}</ul>')


def render_table(chart: Chart) -> SafeString:
    total = len(chart.series) > 1
    head = "".join(f'<th scope="col" class="num">{escape(s)}</th>' for s in chart.series)
    if total:
        head += '<th scope="col" class="num">Total</th>'
    rows = []
    for label, values, row_total in chart.table:
        cells = "".join(f'<td class="num">{v}</td>' for v in values)
        if total:
            cells += f'<td class="num">{row_total}</td>'
        rows.append(f'<tr><th scope="row">{escape(label)}</th>{cells}</tr>')
    return mark_safe(
        f'<table><thead><tr><th scope="col"><span class="visually-hidden">{escape(chart.unit or "Column")}</span></th>'
        f'{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


# Platform-reported figures over time, with the disputes on the same axis ---------------------


@dataclass
class FiguresChart:
    slug: str
    title: str
    publisher: str
    unit: str
    svg: SafeString
    rows: list[tuple[str, str]]  # (period, value) for the table


def _year_axis(dates) -> tuple[int, int]:
    years = [d.year for d in dates]
    return min(years), max(years) + 1


def figures_timelines(series: list[dict], disputes: list[tuple], slug: str = "figures") -> list[FiguresChart]:
    """One small line chart per published series, all on one time axis, with a
    numbered marker where each news-derived dispute started.

    `series` comes from selectors.platform_figures_for_country/_platform;
    `disputes` is [(start date, title)] in the order the page lists them.
    """
    dated = [d for d, _ in disputes if d]
    starts = [p["start"] for s in series for p in s["points"]]
    if not starts:
        return []
    first, last = _year_axis(starts + dated)
    span_days = (datetime_date(last, 1, 1) - datetime_date(first, 1, 1)).days or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(day) -> float:
        return round(LEFT + plot_w * (day - datetime_date(first, 1, 1)).days / span_days, 1)

    charts = []
    for n, s in enumerate(series):
        metric = "requests" if any(p["requests"] is not None for p in s["points"]) else "items"
        unit = "requests" if metric == "requests" else s["items_unit"]
        points = [(p, p[metric]) for p in s["points"] if p[metric] is not None]
        if not points:
            continue
        top = _nice_max(max(v for _, v in points))
        color = PALETTE[n % len(PALETTE)]

        def y_of(value) -> float:
            return round(HEIGHT - BOTTOM - plot_h * value / top, 1)

        key = escape(f"{slug}-{n}")
        title = escape(s["label"])
        parts = [
            f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{key}-t">'
            f'<title id="{key}-t">{title}, {escape(unit)} per {"half-year" if s["granularity"] == "half-year" else "year"}, '
            f"with the start of each dispute marked (numbers in the table below)</title>"
        ]
        for value in sorted({int(top * f) for f in (0, 0.5, 1)}):
            y = y_of(value)
            parts.append(
                f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>'
                f'<text class="tick" x="{LEFT - 6}" y="{y}" text-anchor="end" dominant-baseline="middle">{_short(value)}</text>'
            )
        step = max(1, (last - first) // 6)
        for year in range(first, last + 1, step):
            x = x_of(datetime_date(year, 1, 1))
            parts.append(f'<text class="label" x="{x}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{year}</text>')
        for i, (day, name) in enumerate(disputes, start=1):
            if not day:
                continue
            x = x_of(day)
            parts.append(
                f'<g class="dispute-marker"><line x1="{x}" x2="{x}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" '
                f'stroke="#B3261E" stroke-dasharray="3 3"><title>{escape(name)}</title></line>'
                f'<text x="{x}" y="{HEIGHT - BOTTOM + 32}" text-anchor="middle" fill="#B3261E">{i}</text></g>'
            )
        # Mid-period x: a half-year's figure belongs to its whole half.
        coords = [(x_of(p["start"] + (p["end"] - p["start"]) / 2), y_of(v), p, v) for p, v in points]
        path = " ".join(f"{x},{y}" for x, y, _, _ in coords)
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{path}"/>')
        for x, y, p, v in coords:
            parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{color}"><title>{escape(p["period"])}: {v:,} {escape(unit)}</title></circle>')
        parts.append("</svg>")
        rows = [(p["period"], f"{v:,}" + (" (at least)" if p.get("approximate") else "")) for p, v in points]
        charts.append(FiguresChart(key, s["label"], s["publisher"], unit, mark_safe("".join(parts)), rows))
    return charts


def _short(value: int) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if value >= 10_000:
        return f"{value / 1000:g}k"
    return str(value)
