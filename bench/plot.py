#!/usr/bin/env python3
"""Draws bench/run.sh's results as an SVG (stdout): pages against build time, and pages against
peak RSS, one line per build kind over the synthetic sites, the shipped site as a single mark.
With --table, prints them as the Markdown table BENCHMARKS.md shows instead.
Usage: plot.py [--table] RESULTS.tsv"""
import csv
import sys

table = "--table" in sys.argv
path = [a for a in sys.argv[1:] if a != "--table"][0]
with open(path) as f:
    rows = list(csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"))

pages = {r["site"]: int(r["pages"]) for r in rows if r["build"] == "default"}
for r in rows:
    r["pages"] = pages[r["site"]]
    for key in ("fresh_s", "peak_rss_mib", "cp_s", "par_cp_s", "noop_s", "change_s"):
        r[key] = float(r[key]) if r.get(key) else None


def row(site, build):
    return next((r for r in rows if r["site"] == site and r["build"] == build), None)


if table:
    print(
        "| site | pages | build | fresh | peak RSS | output | `cp -r` of it | fresh ÷ cp "
        "| copied on all cores | fresh ÷ that | no-op | one-file change |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for site in pages:
        for build in ("default", "no-bundle", "hugo"):
            r = row(site, build)
            if r is None:
                continue
            name = "M=" + site if site != "shipped" else "shipped site"
            if build == "hugo":
                print(f"| {name} | | Hugo | {r['fresh_s']:.2f} s | {r['peak_rss_mib']:.0f} MiB | | | | | | | |")
                continue
            fresh, par = r["fresh_s"], r["par_cp_s"]
            par_cells = f"{par:.2f} s | {fresh / par:.2f}" if par else " | "
            print(
                f"| {name} | {r['pages']:,} | `build{' --no-bundle' if build == 'no-bundle' else ''}` "
                f"| {fresh:.2f} s | {r['peak_rss_mib']:.1f} MiB | {r['output_mib']} MiB | {r['cp_s']:.2f} s "
                f"| **{fresh / r['cp_s']:.2f}** | {par_cells} | {r['noop_s']:.2f} s ({100 * r['noop_s'] / fresh:.0f}%) "
                f"| {r['change_s']:.2f} s ({100 * r['change_s'] / fresh:.0f}%; {r['change_not_rendered']} of "
                f"{r['pages']:,} pages not rendered) |"
            )
    sys.exit(0)

W, H, PAD = 380, 260, 48
series = [
    ("statusref build", "default", "fresh_s", "peak_rss_mib", "#1f5fbf", ""),
    ("statusref build --no-bundle", "no-bundle", "fresh_s", "peak_rss_mib", "#2e9e5b", ""),
    ("cp -r of the build's output", "default", "cp_s", None, "#1f5fbf", "5,4"),
    ("cp -r of the --no-bundle output", "no-bundle", "cp_s", None, "#2e9e5b", "5,4"),
    ("copy_tree of the --no-bundle output", "no-bundle", "par_cp_s", None, "#2e9e5b", "1,3"),
    # Hugo's memory, 100 MiB to 2 GiB, would flatten statusref's to the axis; the table has it.
    ("Hugo", "hugo", "fresh_s", None, "#c0392b", ""),
]
synthetic = sorted((s for s in pages if s != "shipped"), key=lambda s: pages[s])


def nice_step(top):
    """A round tick step giving about four ticks up to `top`."""
    step = 10 ** (len(str(int(top / 4))) - 1) if top >= 4 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if top / (step * factor) <= 5:
            return step * factor
    return step * 10


def panel(x0, title, unit, metric_index, limit=None):
    points = {}
    for label, build, *metrics, colour, dash in series:
        metric = metrics[metric_index]
        if metric is None:
            continue
        pts = [(pages[s], row(s, build)[metric]) for s in synthetic if row(s, build) and row(s, build)[metric] is not None]
        ship = row("shipped", build)
        points[label] = (pts, ship and ship[metric], colour, dash)
    xmax = max(pages.values()) * 1.05
    ymax = max(max(y for _, y in pts) for pts, *_ in points.values() if pts) * 1.1
    if limit:
        ymax = max(ymax, limit * 1.15)
    xstep, ystep = nice_step(xmax), nice_step(ymax)
    sx = lambda x: x0 + PAD + (W - PAD - 10) * x / xmax
    sy = lambda y: H - PAD + 10 - (H - PAD - 20) * y / ymax
    out = [f'<text x="{x0 + W / 2}" y="16" text-anchor="middle" font-weight="bold">{title}</text>']
    out.append(f'<line x1="{sx(0)}" y1="{sy(0)}" x2="{sx(xmax)}" y2="{sy(0)}" stroke="#333"/>')
    out.append(f'<line x1="{sx(0)}" y1="{sy(0)}" x2="{sx(0)}" y2="{sy(ymax)}" stroke="#333"/>')
    for k in range(int(xmax // xstep) + 1):
        x = k * xstep
        out.append(f'<text x="{sx(x)}" y="{sy(0) + 14}" text-anchor="middle">{x / 1000:g}k</text>')
    for k in range(int(ymax // ystep) + 1):
        y = k * ystep
        out.append(f'<text x="{sx(0) - 4}" y="{sy(y) + 4}" text-anchor="end">{y:g}</text>')
    out.append(f'<text x="{x0 + W / 2}" y="{H - 6}" text-anchor="middle">pages</text>')
    out.append(f'<text x="{x0 + 12}" y="{H / 2}" transform="rotate(-90 {x0 + 12} {H / 2})" text-anchor="middle">{unit}</text>')
    if limit:
        out.append(f'<line x1="{sx(0)}" y1="{sy(limit)}" x2="{sx(xmax)}" y2="{sy(limit)}" stroke="#999" stroke-dasharray="2,3"/>')
        out.append(f'<text x="{sx(xmax)}" y="{sy(limit) - 4}" text-anchor="end" fill="#666">target {limit:.0f} MiB</text>')
    for label, (pts, ship, colour, dash) in points.items():
        line = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in pts)
        out.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>')
        out.extend(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="{colour}"/>' for x, y in pts)
        if ship is not None:
            x, y = sx(pages["shipped"]), sy(ship)
            out.append(f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="none" stroke="{colour}" stroke-width="2"/>')
    return out


parts = panel(0, "Build time", "seconds", 0) + panel(W + 20, "Peak memory", "MiB (peak RSS)", 1, limit=64)
legend_y = H + 14
for k, (label, _, _, _, colour, dash) in enumerate(series):
    label += " (time only)" if label == "Hugo" else ""
    x = 10 + (k % 3) * 260
    y = legend_y + (k // 3) * 18
    parts.append(f'<line x1="{x}" y1="{y}" x2="{x + 24}" y2="{y}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>')
    parts.append(f'<text x="{x + 30}" y="{y + 4}">{label}</text>')
mark_y = legend_y + ((len(series) + 2) // 3) * 18
parts.append(f'<rect x="{10 + 8}" y="{mark_y - 4}" width="8" height="8" fill="none" stroke="#333" stroke-width="2"/>')
parts.append(f'<text x="{10 + 30}" y="{mark_y + 4}">the shipped site</text>')

width, height = 2 * W + 20, mark_y + 18
print(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
      f'font-family="sans-serif" font-size="11">')
print(f'<rect width="{width}" height="{height}" fill="white"/>')
print("\n".join(parts))
print("</svg>")
