"""Figures per policy from a finished run, and the two ways people read them: a side-by-side
text table and an SVG chart (bars with their confidence intervals, a title and a data table
for screen readers)."""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from html import escape
from typing import Any

from mechmatch.core.percentiles import share
from mechmatch.core.ranking import ScoringPolicy, is_within_km
from mechmatch.core.simulation.engine import Engine, Scenario
from mechmatch.core.simulation.model import COMPLETED, DECLINED, EXPIRED, MATCHED, NO_MECHANIC, DispatchRules
from mechmatch.core.simulation.stats import bootstrap_ci, gini, percentile


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def summarise(engine: Engine, *, resamples: int = 400) -> dict[str, Any]:
    requests = list(engine.requests.values())
    served = [r for r in requests if r.status in (MATCHED, COMPLETED)]
    unserved = [r for r in requests if r.status == NO_MECHANIC]
    waits = [r.started_at - r.arrival.at for r in served if r.started_at is not None]
    offers = engine.offers
    seed = engine.seed
    by_area: dict[str, list[int]] = {}
    for r in requests:
        counts = by_area.setdefault(r.arrival.area, [0, 0])
        counts[0] += 1
        counts[1] += r.status == NO_MECHANIC
    worked = [m for m, s in engine.shift_seconds.items() if s > 0]
    utilisation = [min(1.0, engine.busy_seconds[m] / engine.shift_seconds[m]) for m in worked]
    radius = engine.policy.local_radius_km
    p50_ci = bootstrap_ci(waits, 50, seed=seed, resamples=resamples)
    p90_ci = bootstrap_ci(waits, 90, seed=seed + 1, resamples=resamples)
    return {
        "requests": len(requests),
        "served": len(served),
        "unserved": len(unserved),
        "unsettled": sum(1 for r in requests if r.status not in (MATCHED, COMPLETED, NO_MECHANIC)),
        "time_to_start_seconds": {
            "p50": _round(percentile(waits, 50), 1),
            "p50_ci95": [round(x, 1) for x in p50_ci] if p50_ci else None,
            "p90": _round(percentile(waits, 90), 1),
            "p90_ci95": [round(x, 1) for x in p90_ci] if p90_ci else None,
        },
        "served_rate": _round(share(len(served), len(requests))),
        "unserved_rate": _round(share(len(unserved), len(requests))),
        "fallback_rate": _round(share(sum(r.used_fallback for r in requests), len(requests))),
        "asked_customer_rate": _round(share(sum(r.asked_customer for r in requests), len(requests))),
        "offers": len(offers),
        "offers_per_request": _round(share(len(offers), len(requests)), 3),
        "lapse_rate": _round(share(sum(o.status == EXPIRED for o in offers), len(offers))),
        "decline_rate": _round(share(sum(o.status == DECLINED for o in offers), len(offers))),
        "local_share": _round(share(sum(is_within_km(r.distance_km, radius) for r in served), len(served))),
        "utilisation": {
            "mechanics_on_shift": len(worked),
            "mean": _round(sum(utilisation) / len(utilisation)) if utilisation else None,
            "p10": _round(percentile(utilisation, 10)),
            "p90": _round(percentile(utilisation, 90)),
            "gini": _round(gini([engine.busy_seconds[m] for m in worked])),
        },
        "unserved_by_area": [
            {"area": area, "requests": n, "unserved": u, "rate": round(u / n, 4)}
            for area, (n, u) in sorted(by_area.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))
        ],
        "events": engine.events,
    }


def _minutes(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds / 60:.1f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _ci(ci: list[float] | None) -> str:
    return "-" if not ci else f"{ci[0] / 60:.1f}-{ci[1] / 60:.1f}"


def _worst_areas(figures: dict[str, Any], n: int = 3) -> str:
    worst = [a for a in figures["unserved_by_area"] if a["unserved"]][:n]
    return ", ".join(f"{a['area']} {a['unserved']}/{a['requests']}" for a in worst) or "-"


ROWS: tuple[tuple[str, Any], ...] = (
    ("requests", lambda f: str(f["requests"])),
    ("time to start P50 (min)", lambda f: _minutes(f["time_to_start_seconds"]["p50"])),
    ("  95% CI", lambda f: _ci(f["time_to_start_seconds"]["p50_ci95"])),
    ("time to start P90 (min)", lambda f: _minutes(f["time_to_start_seconds"]["p90"])),
    ("  95% CI", lambda f: _ci(f["time_to_start_seconds"]["p90_ci95"])),
    ("served", lambda f: _pct(f["served_rate"])),
    ("unserved", lambda f: _pct(f["unserved_rate"])),
    ("fallback rate", lambda f: _pct(f["fallback_rate"])),
    ("offers per request", lambda f: f"{f['offers_per_request']:.2f}" if f["offers_per_request"] is not None else "-"),
    ("lapse rate", lambda f: _pct(f["lapse_rate"])),
    ("decline rate", lambda f: _pct(f["decline_rate"])),
    ("local share", lambda f: _pct(f["local_share"])),
    ("utilisation mean", lambda f: _pct(f["utilisation"]["mean"])),
    ("utilisation P10/P90", lambda f: f"{_pct(f['utilisation']['p10'])}/{_pct(f['utilisation']['p90'])}"),
    ("utilisation Gini", lambda f: "-" if f["utilisation"]["gini"] is None else f"{f['utilisation']['gini']:.3f}"),
    ("worst areas (unserved)", _worst_areas),
)


def table(results: dict[str, dict[str, Any]]) -> str:
    """Metrics down, policies across."""
    names = list(results)
    cells = [[label, *(render(results[n]) for n in names)] for label, render in ROWS]
    header = ["", *names]
    widths = [max(len(row[i]) for row in [header, *cells]) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(row) for row in cells)])


def svg(results: dict[str, dict[str, Any]], *, title: str = "Routing policies compared") -> str:
    """Two panels: time to start (P50 and P90 bars, 95% CI whiskers) and the rates (fallback,
    unserved, lapse) per policy; a <desc> data table carries the same numbers as text."""
    names = list(results)
    width, left, top = 760, 150, 40
    bar_h, gap = 8, 14
    # Each panel: a row per policy (3 bars at most), then the axis labels.
    panel_h = len(names) * (3 * bar_h + gap) + 30
    height = top + 2 * (panel_h + 60) + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="sim-title sim-desc" font-family="sans-serif" font-size="12">',
        f'<title id="sim-title">{escape(title)}</title>',
        '<desc id="sim-desc">' + escape(table(results)) + "</desc>",
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
    ]

    def panel(y0: float, heading: str, series: list[tuple[str, str, Any]], scale_max: float, unit: str) -> None:
        plot_w = width - left - 40
        out.append(f'<text x="10" y="{y0 - 30}" font-weight="bold">{escape(heading)}</text>')
        for tick in range(5):
            x = left + plot_w * tick / 4
            out.append(f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y0 + panel_h - 20}" stroke="#ddd"/>')
            out.append(
                f'<text x="{x:.1f}" y="{y0 + panel_h - 6}" text-anchor="middle" fill="#555">'
                f"{scale_max * tick / 4:.3g}{unit}</text>"
            )
        for i, name in enumerate(names):
            y = y0 + 8 + i * (3 * bar_h + gap)
            out.append(
                f'<text x="{left - 8}" y="{y + bar_h * len(series) / 2 + 4}" text-anchor="end">{escape(name)}</text>'
            )
            for j, (label, colour, get) in enumerate(series):
                value, ci = get(results[name])
                yy = y + j * bar_h
                if value is None:
                    continue
                w = plot_w * min(1.0, value / scale_max) if scale_max else 0
                out.append(
                    f'<rect x="{left}" y="{yy}" width="{w:.1f}" height="{bar_h - 1}" fill="{colour}">'
                    f"<title>{escape(name)} {escape(label)}: {value:.3g}{unit}</title></rect>"
                )
                if ci:
                    x1, x2 = (left + plot_w * min(1.0, c / scale_max) for c in ci)
                    mid = yy + (bar_h - 1) / 2
                    out.append(f'<line x1="{x1:.1f}" y1="{mid}" x2="{x2:.1f}" y2="{mid}" stroke="#222"/>')
        lx = left
        for label, colour, _ in series:
            out.append(f'<rect x="{lx}" y="{y0 - 22}" width="10" height="10" fill="{colour}"/>')
            out.append(f'<text x="{lx + 14}" y="{y0 - 13}">{escape(label)}</text>')
            lx += 14 + 8 * len(label) + 16

    def minutes(key: str) -> Any:
        def get(f: dict[str, Any]) -> tuple[float | None, list[float] | None]:
            t = f["time_to_start_seconds"]
            ci = t[f"{key}_ci95"]
            return (t[key] / 60 if t[key] is not None else None, [c / 60 for c in ci] if ci else None)

        return get

    def rate(key: str) -> Any:
        return lambda f: (f[key] * 100 if f[key] is not None else None, None)

    longest = (
        max((f["time_to_start_seconds"]["p90_ci95"] or [0, 0])[1] / 60 for f in results.values()) if results else 1
    )
    waits = [("P50", "#1f77b4", minutes("p50")), ("P90", "#ff7f0e", minutes("p90"))]
    panel(top + 40, "Time to start (minutes), with 95% CI", waits, max(1.0, longest * 1.1), " min")
    panel(top + panel_h + 100, "Rates (% of requests; lapses: % of offers)",
          [("fallback", "#9467bd", rate("fallback_rate")), ("unserved", "#d62728", rate("unserved_rate")),
           ("lapse", "#7f7f7f", rate("lapse_rate"))], 100.0, "%")  # fmt: skip
    out.append("</svg>")
    return "\n".join(out)


def simulate_and_summarise(
    scenario: Scenario, routing: str, rules: DispatchRules, policy: ScoringPolicy, resamples: int
) -> tuple[str, dict[str, Any], float]:
    """One policy's run and figures, with its CPU seconds: a top-level function, so a process
    pool can run policies side by side."""
    started = time.process_time()
    engine = Engine(scenario, routing=routing, rules=rules, policy=policy).run()
    return routing, summarise(engine, resamples=resamples), time.process_time() - started


def compare(
    scenario: Scenario,
    routings: list[str],
    *,
    rules: DispatchRules,
    policy: ScoringPolicy,
    resamples: int,
    workers: int = 1,
) -> tuple[dict[str, dict[str, Any]], dict[str, float]]:
    """Every policy's figures (in the order asked) and CPU seconds, in `workers` processes."""
    jobs = [(scenario, r, rules, policy, resamples) for r in routings]
    if workers > 1 and len(routings) > 1:
        with ProcessPoolExecutor(max_workers=min(workers, len(routings))) as pool:
            done = list(pool.map(simulate_and_summarise, *zip(*jobs, strict=True)))
    else:
        done = [simulate_and_summarise(*job) for job in jobs]
    return {name: figures for name, figures, _ in done}, {name: round(cpu, 3) for name, _, cpu in done}
