"""Prints bench/run's figures: one line per figure with its goal, medians over the runs, then the time of each phase."""
import json
import statistics
import sys
from pathlib import Path

results = Path(sys.argv[1])
total_seconds = int(sys.argv[2])
figures = [json.loads(line) for line in (results / "figures.jsonl").read_text().splitlines() if line.strip()]
info = json.loads((results / "urls" / "info.json").read_text())
med = statistics.median


def verdict(ok):
    return "MET" if ok else "NOT MET"


def n(x, digits=0):
    return f"{x:,.{digits}f}"


lines = []
for f in figures:
    kind = f["figure"]
    if kind == "point":
        api, pg = med(f["api"]), med(f["pgbench"])
        ratio = med(a / p for a, p in zip(f["api"], f["pgbench"]))
        if "pk" in f:
            pk = med(f["pk"])
            to_pk = med(a / p for a, p in zip(f["api"], f["pk"]))
            lines.append(f"point look-up GET /claims/{{id}}, answers kept: {to_pk:.2f} of pgbench's primary-key select (API {n(api)} req/s, "
                         f"pgbench {n(pk)} tps, {f['clients']} clients)  goal >= 0.25 (aim 0.4)  {verdict(to_pk >= 0.25)}")
            lines.append(f"  the same against pgbench running the statement a kept read runs: {ratio:.2f} (pgbench {n(pg)} tps); "
                         f"first reads {n(f['cold'])} req/s; every claim read once at {n(f['warm']['perSecond'])} req/s "
                         f"({n(f['warm']['read'])} claims in {f['warm']['seconds']} s)")
        else:
            lines.append(f"point look-up GET /claims/{{id}}: {ratio:.2f} of pgbench (API {n(api)} req/s, pgbench {n(pg)} tps, "
                         f"{f['clients']} clients, same SQL)  goal >= 0.4  {verdict(ratio >= 0.4)}")
    elif kind == "point-unprepared":
        api, pg = med(f["api"]), med(f["pgbench"])
        ratio = med(a / p for a, p in zip(f["api"], f["pgbench"]))
        lines.append(f"  for comparison, without the default's prepared statements (\"{f['setting']}\"): {ratio:.2f} of pgbench "
                     f"(API {n(api)} req/s, pgbench {n(pg)} tps)")
    elif kind in ("list", "figures", "conflicts", "fts-selective", "fts-unselective"):
        name = {
            "list": "filtered list GET /claims?subject=&property=",
            "figures": "figure look-up GET /figures?value=",
            "conflicts": "open conflicts GET /conflicts?status=open",
            "fts-selective": "full-text GET /claims?q= (selective terms)",
            "fts-unselective": "full-text GET /claims?q= (unselective terms)",
        }[kind]
        runs = f["runs"]
        p50, p99 = med(r["p50"] for r in runs), med(r["p99"] for r in runs)
        errors = sum(r["errors"] for r in runs)
        peak = med(f['peaks'])
        text = (f"{name}: peak {n(peak)} req/s; at {n(f['rate'], 1)} req/s (open loop) p50 {p50:.1f} ms, p99 {p99:.1f} ms"
                + (f", {errors} errors" if errors else "")
                + (f" [first reads {n(f['cold'])} req/s; {n(f['warm']['read'])} requests read once in {f['warm']['seconds']} s]" if "cold" in f else ""))
        if kind == "fts-unselective":
            terms = ", ".join(f"{t['Term']} {n(t['Matches'])}" for t in info["unselective"])
            lines.append(f"{text} [matches: {terms}]  goal bounded (no error, p99 under the 10 s statement timeout)  "
                         f"{verdict(errors == 0 and p99 < 10_000)}")
        else:
            goal = {"fts-selective": 50, "figures": 20}.get(kind, 10)
            least = {"figures": 1000, "conflicts": 2000}.get(kind)
            extra = f" [matches: median {info['selectiveMatches']['median']}, max {info['selectiveMatches']['max']}]" if kind == "fts-selective" else ""
            wanted = f"goal p99 <= {goal} ms" + (f", peak >= {n(least)} req/s" if least else "")
            lines.append(f"{text}{extra}  {wanted}  {verdict(errors == 0 and p99 <= goal and (least is None or peak >= least))}")
    elif kind == "deep":
        r = f["result"]
        if "error" in r:
            lines.append(f"deep pagination {r['path']}: {r['error']} ({n(r['reached'])} rows)")
        else:
            lines.append(f"deep pagination {r['path']}: the page {n(r['depth'])} rows deep costs {r['ratio']:.2f}x the first "
                         f"(first {r['firstMs']:.1f} ms, deep {r['deepMs']:.1f} ms)  goal <= 1.5  {verdict(r['ratio'] <= 1.5)}")
    elif kind == "import":
        r = f["result"]
        where = "into the 1M-claim database" if f["database"] == "big" else "into an empty database (vocabulary only)"
        lines.append(f"import POST /import {where}: {r['ratio']:.2f} of raw COPY (API {n(r['importRowsPerSecond'])} rows/s, "
                     f"COPY {n(r['copyRowsPerSecond'])} rows/s; {n(r['lines'])} lines, {n(r['tableRows'])} table rows)  "
                     f"goal >= 0.7  {verdict(r['ratio'] >= 0.7)}")
    elif kind == "rss":
        mb = f["vmhwm_kb"] / 1024
        lines.append(f"app peak RSS (VmHWM) after the whole run: {mb:.0f} MB  goal <= 300 MB  {verdict(mb <= 300)}")

writes = [f for f in figures if f["figure"] == "writes"]
if writes:
    small, big = med(w["small"]["medianMs"] for w in writes), med(w["big"]["medianMs"] for w in writes)
    ratio = med(w["big"]["medianMs"] / w["small"]["medianMs"] for w in writes)
    opened = sum(w["big"]["conflictsOpened"] for w in writes)
    line = (f"conflict maintenance POST /claims: a write at 1,000,000 claims costs {ratio:.2f}x one at 10,000 "
            f"(median {big:.1f} ms vs {small:.1f} ms; {opened} conflicts opened)  goal <= 1.5  {verdict(ratio <= 1.5)}")
    index = next((i for i, l in enumerate(lines) if l.startswith("import")), len(lines))
    lines.insert(index, line)

print()
print(f"ClaimTracker benchmark: {n(info['claims'])} claims; medians of the runs; results in {results}")
for line in lines:
    print(line)
rss = results / "rss.tsv"
if rss.exists():
    print()
    print("app memory after each phase (VmRSS / VmHWM, MB): " + "; ".join(
        f"{label} {int(cur) // 1024}/{int(peak) // 1024}" for label, cur, peak in (l.split("\t") for l in rss.read_text().splitlines())))
print()
print("phase timings:")
for row in (results / "phases.tsv").read_text().splitlines():
    name, seconds = row.split("\t")
    print(f"  {name:<24} {int(seconds):>5} s")
print(f"  {'total':<24} {total_seconds:>5} s")
