#!/usr/bin/env python3
"""Turns one bench/run.sh run into bench/RESULTS.md and bench/results.json.

    report.py RUN_DIR RESULTS.md results.json

RUN_DIR holds jmh_*.json (JMH -rf json, -prof gc), c.txt ("name median_ns best_ns" lines from
ref), hf_*.json (hyperfine --export-json) and machine.txt (key=value). Rows pair a JMH benchmark
with the C harness line of the same name; jbpf_ns is the median of JMH's measurement
iterations (all forks), as c_ns is the median of ref's timed runs, so a noisy neighbour on
a 2-core machine moves both the same way. Each C row is timed twice, right before and right
after the JMH run of its group, and the two medians are averaged.

Best-of figures (jbpf_best_ns, c_best_ns: the fastest iteration or run on each side) are kept
as well. paired.txt (and paired_incubator.txt, paired_jdk22.txt: JDK 17 with its incubating
foreign linker, a JDK 22+) hold the single calls and mmap reads measured again with jbpf and C alternating in one
process every few milliseconds (io.jbpf.bench.Paired): this VM's speed drifts by tens of
percent over seconds, more than the difference being measured, so the single-call and mmap
targets are judged on those paired ratios (the median over the rounds), per JVM.

events.txt (io.jbpf.bench.Events) holds the ring and perf buffer rows: records drained by jbpf's
readers and by libbpf's consumers, alternating in one process; their ratio is jbpf's ns per event
over libbpf's (the median of the per-round ratios), with jbpf's bytes allocated per event.
"""
import json
import statistics
import sys
from pathlib import Path

# JMH benchmark method -> row prefix (the C harness prints the same names).
METHODS = {
    "MapLookupBench.lookup": "lookup",
    "MapLookupBench.update": "update",
    "MapFullReadBench.nextKeyLookup": "gnk",
    "MapFullReadBench.batch": "batch",
    "ArrayFullReadBench.lookupEachKey": "keyloop",
    "ArrayFullReadBench.mmapGetLong": "mmap",
    "ArrayFullReadBench.mmapSnapshot": "snapshot",
    "ArrayFullReadBench.mmapSnapshotHeap": "snapheap",
    "LoaderBench.openParseLoad": "load",
    "LoaderBench.parseOnly": "open",
}

MAPS = {
    "arr256": "ARRAY 256",
    "arr64k": "ARRAY 65,536 (mmapable)",
    "hash256": "HASH 256",
    "hash64k": "HASH 65,536",
    "pcpu256": "PERCPU_ARRAY 256",
}

WHAT = {
    "lookup": "lookup 1 key",
    "update": "update 1 key",
    "gnk": "full read, get_next_key + lookup",
    "batch": "full read, BPF_MAP_LOOKUP_BATCH (4096/call)",
    "keyloop": "full read, lookup per index",
    "mmap": "full read, mmap (jbpf: MmapArray.getLong; C: plain loop)",
    "snapshot": "full read, mmap copy + sum (jbpf: MmapArray.snapshot(direct ByteBuffer))",
    "snapheap": "full read, mmap copy + sum (jbpf: MmapArray.snapshot(byte[]))",
    "load": "open + parse + load + close (C: libbpf)",
    "open": "open + parse only (C: libbpf open + close)",
}

ORDER = ["lookup", "update", "gnk", "batch", "keyloop", "mmap", "snapshot", "snapheap", "load", "open"]

# jbpf rows measured against another row's C number (ref.c copies into plain memory either way).
C_ALIAS = {"snapheap": "snapshot"}


def describe(name):
    what, arg = name.split("/", 1)
    return f"{WHAT[what]}: {MAPS.get(arg, arg)}"


def fmt_ns(ns):
    if ns is None:
        return "—"
    if ns >= 1e6:
        return f"{ns:,.0f} ({ns / 1e6:.2f} ms)"
    if ns >= 1e4:
        return f"{ns:,.0f} ({ns / 1e3:.1f} µs)"
    return f"{ns:,.1f}"


def fmt_bytes(b):
    if b is None:
        return "—"
    return f"{b:.3f}" if b < 10 else f"{b:,.0f}"


def load_jmh(path):
    rows = {}
    for r in json.loads(path.read_text()):
        bench = r["benchmark"].rsplit(".", 2)
        method = f"{bench[-2]}.{bench[-1]}"
        if method not in METHODS:
            continue
        params = r.get("params", {})
        arg = params.get("map") or params.get("object")
        name = f"{METHODS[method]}/{arg}"
        pm = r["primaryMetric"]
        raw = [x for fork in pm["rawData"] for x in fork]
        sec = r.get("secondaryMetrics", {})
        norm = sec.get("gc.alloc.rate.norm", {}).get("score")
        rate = sec.get("gc.alloc.rate", {}).get("score")
        rows[name] = {
            "ns": statistics.median(raw),
            "best": min(raw),
            "mean": pm["score"],
            "error": pm.get("scoreError"),
            "alloc": norm,
            "alloc_rate": rate,
        }
    return rows


def load_c(path):
    """Each row appears twice (timed before and after its JMH group): the mean of the two."""
    runs, best = {}, {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) in (2, 3):
            runs.setdefault(parts[0], []).append(float(parts[1]))
            best.setdefault(parts[0], []).append(float(parts[-1]))
    return ({name: statistics.mean(v) for name, v in runs.items()},
            {name: min(v) for name, v in best.items()})


def load_paired(path):
    """'# jdk=N mechanism=M', then: paired/OP/MAP jbpf_ns c_ns ratio_median ratio_p25 ratio_p75 rounds"""
    rows = {}
    if not path.exists():
        return None
    for line in path.read_text().splitlines():
        p = line.split()
        if line.startswith("#"):
            rows["_jvm"] = dict(kv.split("=", 1) for kv in p[1:] if "=" in kv)
        elif len(p) == 7 and p[0].startswith("paired/"):
            rows[p[0][len("paired/"):]] = {"jbpf_ns": float(p[1]), "c_ns": float(p[2]), "ratio": float(p[3]),
                                           "p25": float(p[4]), "p75": float(p[5]), "rounds": int(p[6])}
    return rows


def load_events(path):
    """events/KIND/consume-SIZEB jbpf_ns c_ns ratio_median ratio_p25 ratio_p75 rounds jbpf_bytes_per_event
    events_per_drain (ns per event)"""
    rows = {}
    if not path.exists():
        return rows
    for line in path.read_text().splitlines():
        p = line.split()
        if len(p) == 9 and p[0].startswith("events/"):
            rows[p[0][len("events/"):]] = {"jbpf_ns": float(p[1]), "c_ns": float(p[2]), "ratio": float(p[3]),
                                           "p25": float(p[4]), "p75": float(p[5]), "rounds": int(p[6]),
                                           "bytes": float(p[7]), "events": int(p[8])}
    return rows


def describe_event(name):
    kind, what = name.split("/", 1)
    size = what.rsplit("-", 1)[1]
    if kind == "ringbuf":
        return (f"ring buffer, {size} records: `RingBufferReader.consume` vs libbpf "
                f"`ring_buffer__consume`")
    return (f"perf buffer, {size} records: `PerfBuffer.consume` vs libbpf `perf_buffer__consume`")


def load_hf(run):
    rows = []
    labels = {
        "jvm_floor": "JVM floor: `java -cp bench/target/classes Hello` (./jbpf's JVM flags)",
        "version": "`jbpf --version` (JVM + jar + picocli)",
        "inspect": "`jbpf inspect xdp_icmp_echo.o`",
        "dump_hash256": "`map dump` HASH 256 entries",
        "dump_hash64k": "`map dump` HASH 65,536 entries",
        "load_small": "`load --pin` xdp_icmp_echo.o vs `bpftool prog loadall … pinmaps`",
        "load_big": "`load --pin` {big} vs `bpftool prog loadall … pinmaps`",
    }
    for key in labels:
        f = run / f"hf_{key}.json"
        if not f.exists():
            continue
        res = json.loads(f.read_text())["results"]
        j = res[0]
        c = res[1] if len(res) > 1 else None
        rows.append({
            "key": key,
            "label": labels[key],
            "jbpf_cmd": j["command"],
            "jbpf_ms": j["median"] * 1e3,
            "jbpf_sd": j["stddev"] * 1e3 if j.get("stddev") is not None else None,
            "jbpf_min_ms": j["min"] * 1e3,
            "c_cmd": c["command"] if c else None,
            "c_ms": c["median"] * 1e3 if c else None,
            "c_sd": c["stddev"] * 1e3 if c and c.get("stddev") is not None else None,
        })
    return rows


def main():
    run, md_path, json_path = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    machine = dict(l.split("=", 1) for l in (run / "machine.txt").read_text().splitlines() if "=" in l)
    jmh = {}
    for f in sorted(run.glob("jmh*.json")):
        jmh.update(load_jmh(f))
    c, c_best = load_c(run / "c.txt")
    # one set of paired rows per JVM set-up: the default JDK; JDK 17 with jdk.incubator.foreign; a JDK 22+
    paired_sets = [p for p in (load_paired(run / f) for f in ("paired.txt", "paired_incubator.txt",
                                                              "paired_jdk22.txt")) if p]

    def jvm_label(p):
        j = p.get("_jvm", {})
        return f"JDK {j.get('jdk', '?')}, {j.get('mechanism', '?')}"

    names = sorted(set(jmh) | set(c), key=lambda n: (ORDER.index(n.split("/")[0]), n))
    # JMH's own threads allocate a little all the time (about 0.02 MB/s here), which -prof gc
    # divides among the ops of an iteration: long operations show some B/op that is not theirs.
    # The floor is the lowest rate seen; "alloc-free" below means at most that floor.
    rates = [r["alloc_rate"] for r in jmh.values() if r.get("alloc_rate") is not None]
    floor_rate = min(rates) if rates else 0.0  # MB/s

    def floor_bytes(ns):
        return floor_rate * 1.5 * 1e6 * ns / 1e9 + 0.5

    rows = []
    for n in names:
        j = jmh.get(n, {})
        what, arg = n.split("/", 1)
        jn, cn = j.get("ns"), c.get(f"{C_ALIAS.get(what, what)}/{arg}")
        jb, cb = j.get("best"), c_best.get(f"{C_ALIAS.get(what, what)}/{arg}")
        rows.append({
            "name": n,
            "jbpf_ns": round(jn, 2) if jn is not None else None,
            "c_ns": round(cn, 2) if cn is not None else None,
            "ratio": round(jn / cn, 3) if jn and cn else None,
            "jbpf_best_ns": round(jb, 2) if jb is not None else None,
            "c_best_ns": round(cb, 2) if cb is not None else None,
            "best_ratio": round(jb / cb, 3) if jb and cb else None,
            "jbpf_alloc_bytes_per_op": round(j["alloc"], 4) if j.get("alloc") is not None else None,
        })
    for paired in paired_sets:
        for name, p in paired.items():
            if name == "_jvm":
                continue
            rows.append({
                "name": f"paired/jdk{paired.get('_jvm', {}).get('jdk', '?')}-"
                        f"{paired.get('_jvm', {}).get('mechanism', '?')}/{name}",
                "jbpf_ns": round(p["jbpf_ns"], 2),
                "c_ns": round(p["c_ns"], 2),
                "ratio": round(p["ratio"], 4),
                "ratio_p25": round(p["p25"], 4),
                "ratio_p75": round(p["p75"], 4),
                "jbpf_alloc_bytes_per_op": None,
            })
    events = load_events(run / "events.txt")
    for name, e in events.items():
        rows.append({
            "name": name,
            "jbpf_ns": round(e["jbpf_ns"], 3),
            "c_ns": round(e["c_ns"], 3),
            "ratio": round(e["ratio"], 4),
            "ratio_p25": round(e["p25"], 4),
            "ratio_p75": round(e["p75"], 4),
            "jbpf_events_per_s": round(1e9 / e["jbpf_ns"]),
            "c_events_per_s": round(1e9 / e["c_ns"]),
            "events_per_drain": e["events"],
            "rounds": e["rounds"],
            "jbpf_alloc_bytes_per_op": round(e["bytes"], 4),
        })
    hf = load_hf(run)
    floor = next((h for h in hf if h["key"] == "jvm_floor"), None)
    big = machine.get("big", "")
    for h in hf:
        h["label"] = h["label"].replace("{big}", big)
        rows.append({
            "name": f"process/{h['key']}",
            "jbpf_ns": round(h["jbpf_ms"] * 1e6),
            "c_ns": round(h["c_ms"] * 1e6) if h["c_ms"] is not None else None,
            "ratio": round(h["jbpf_ms"] / h["c_ms"], 3) if h["c_ms"] else None,
            "jvm_floor_ratio": round(h["jbpf_ms"] / floor["jbpf_ms"], 3) if floor else None,
            "jbpf_alloc_bytes_per_op": None,
        })
    json_path.write_text(json.dumps({"machine": machine, "rows": rows}, indent=2) + "\n")

    by = {r["name"]: r for r in rows}

    def ns(name, side="jbpf_ns"):
        return by.get(name, {}).get(side)

    # ---- targets ----
    targets = []

    def target(text, ok, detail):
        targets.append((text, "met" if ok else ("missed" if ok is not None else "n/a"), detail))

    for op in ("lookup", "update"):
        for m in ("arr256", "hash64k", "pcpu256"):
            r = by.get(f"{op}/{m}")
            for i, paired in enumerate(paired_sets):
                p = paired.get(f"{op}/{m}")
                if not p:
                    continue
                apart = f"; separate runs: medians {r['ratio']:.2f}×, best {r['best_ratio']:.2f}×" if i == 0 and r \
                    and r["ratio"] and r["best_ratio"] else ""
                target(f"{op} {MAPS[m]} ≤ 1.10× C (paired, {jvm_label(paired)})", p["ratio"] <= 1.10,
                       f"{p['ratio']:.3f}× (quartiles {p['p25']:.3f}–{p['p75']:.3f}{apart})")
    g, b, cb = ns("gnk/hash64k"), ns("batch/hash64k"), ns("batch/hash64k", "c_ns")
    if g and b:
        target("HASH 65,536 batch ≥ 5× faster than jbpf get_next_key + lookup", g / b >= 5, f"{g / b:.1f}× faster")
    if b and cb:
        target("HASH 65,536 batch within 1.3× of C batch", b / cb <= 1.3, f"{b / cb:.2f}×")
    k, mm, cm = ns("keyloop/arr64k"), ns("mmap/arr64k"), ns("mmap/arr64k", "c_ns")
    if k and mm:
        target("ARRAY 65,536 mmap read ≥ 50× faster than per-key lookups", k / mm >= 50, f"{k / mm:.0f}× faster")
    paired_mmap = [(p, p.get("mmap/arr64k")) for p in paired_sets if p.get("mmap/arr64k")]
    for i, (paired, pm) in enumerate(paired_mmap):
        apart = f"; separate runs: medians {mm / cm:.2f}×" if i == 0 and mm and cm else ""
        target(f"ARRAY 65,536 mmap read ≤ 1.5× C's plain loop (paired, {jvm_label(paired)})", pm["ratio"] <= 1.5,
               f"{pm['ratio']:.2f}× (quartiles {pm['p25']:.2f}–{pm['p75']:.2f}{apart})")
    if not paired_mmap and mm and cm:
        target("ARRAY 65,536 mmap read ≤ 1.5× C's plain loop", mm / cm <= 1.5, f"{mm / cm:.1f}×")
    # snapshots against C's memcpy + sum over the copy (ref.c's snapshot), the same work
    sn, cs = ns("snapshot/arr64k"), ns("snapshot/arr64k", "c_ns")
    if sn and cs:
        target("(extra) ARRAY 65,536 MmapArray.snapshot(direct ByteBuffer) + sum ≤ 1.5× C's memcpy + sum",
               sn / cs <= 1.5, f"{sn / cs:.2f}×")
    sh = ns("snapheap/arr64k")
    if sh and cs:
        target("(extra) ARRAY 65,536 MmapArray.snapshot(byte[]) + sum ≤ 1.5× C's memcpy + sum", sh / cs <= 1.5,
               f"{sh / cs:.2f}×")
    for name, e in events.items():
        kind = name.split("/", 1)[0]
        need = 0.9 if kind == "ringbuf" else 0.8
        target(f"{describe_event(name)}: ≥ {need}× libbpf's events/s (paired)", 1 / e["ratio"] >= need,
               f"{1 / e['ratio']:.2f}× (jbpf/C ns per event {e['ratio']:.3f}, quartiles {e['p25']:.3f}–{e['p75']:.3f})")
        target(f"0 B/event: {describe_event(name)}", e["bytes"] == 0, f"{e['bytes']:.4f} B/event")
    if floor:
        for h in hf:
            if h["key"] in ("load_small", "load_big", "dump_hash256", "inspect", "version"):
                x = h["jbpf_ms"] / floor["jbpf_ms"]
                target(f"CLI ≤ 4× the JVM floor: {h['label'].split(' vs ')[0]}", x <= 4,
                       f"{x:.1f}× ({h['jbpf_ms']:.0f} vs {floor['jbpf_ms']:.0f} ms, medians; "
                       f"fastest runs {h['jbpf_min_ms'] / floor['jbpf_min_ms']:.1f}×)")
    for n in ("lookup/arr256", "lookup/hash64k", "lookup/pcpu256", "update/arr256", "update/hash64k",
              "update/pcpu256", "batch/hash256", "batch/hash64k", "batch/arr64k", "mmap/arr256", "mmap/arr64k",
              "snapshot/arr64k", "snapheap/arr64k"):
        j = jmh.get(n)
        if j and j.get("alloc") is not None:
            fb = floor_bytes(j["ns"])
            target(f"0 B/op: {describe(n)}", j["alloc"] <= fb,
                   f"{j['alloc']:.3f} B/op (harness floor for a {fmt_ns(j['ns'])} ns op: {fb:.2f})")

    # ---- markdown ----
    md = []
    md.append("# jbpf benchmarks\n")
    md.append("Generated by `bench/run.sh" + (" --quick" if machine.get("mode") == "quick" else "") +
              "` (do not edit; rerun it). jbpf side: JMH (`bench/src/main/java/io/jbpf/bench/`), "
              "C side: `bench/c/ref.c` (raw `syscall(__NR_bpf, …)`; libbpf only for the loader rows), "
              "both on the same pinned maps in the same run.\n")
    try:
        busy = float(machine.get("load", "0").split()[0]) > 0.5 * int(machine.get("nproc", "1"))
    except ValueError:
        busy = False
    if busy:
        md.append("**The machine was busy when this run started (load average above half the cores): other "
                  "processes competed for the CPUs, so single numbers and ratios are noisier than usual.**\n")
    md.append("## Machine\n")
    md.append("| | |\n|---|---|")
    for key, label in (("cpu", "CPU"), ("nproc", "nproc"), ("kernel", "kernel (`uname -r`)"), ("jdk", "JDK"),
                       ("gcc", "gcc"), ("libbpf", "libbpf (reference)"), ("bpftool", "bpftool"), ("date", "date"),
                       ("mode", "mode"), ("jmh", "JMH options"), ("ref", "ref options"),
                       ("hyperfine", "hyperfine options"), ("load", "load average (1, 5, 15 min)")):
        md.append(f"| {label} | {machine.get(key, '') or '—'} |")
    md.append("")
    md.append("## In-process: ns per operation\n")
    md.append("One operation is one call for `lookup`/`update`, one whole-map read for the full reads "
              "(every value summed), one whole object for the loader rows. jbpf ns/op is the median of JMH's "
              "measurement iterations, C ns/op the median of ref's timed runs (the mean of two such medians, "
              "taken right before and right after the JMH run of the same group). The best columns are the "
              "fastest iteration (jbpf) and the fastest run (C, before or after). Single calls are judged on "
              "the paired measurement in the next section rather than on these. B/op is JMH `-prof gc` `gc.alloc.rate.norm` for the jbpf side.\n")
    md.append("| benchmark | name | jbpf ns/op | C ns/op | jbpf/C | jbpf best | C best | best jbpf/C | jbpf B/op |")
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if r["name"].startswith(("process/", "paired/", "ringbuf/", "perfbuf/")):
            continue
        ratio = f"{r['ratio']:.2f}" if r["ratio"] else "—"
        best = f"{r['best_ratio']:.2f}" if r["best_ratio"] else "—"
        md.append(f"| {describe(r['name'])} | `{r['name']}` | {fmt_ns(r['jbpf_ns'])} | {fmt_ns(r['c_ns'])} | "
                  f"{ratio} | {fmt_ns(r['jbpf_best_ns'])} | {fmt_ns(r['c_best_ns'])} | {best} | "
                  f"{fmt_bytes(r['jbpf_alloc_bytes_per_op'])} |")
    md.append("")
    if paired_sets:
        md.append("## Paired: jbpf and C in one process\n")
        md.append("The same lookups and updates with jbpf (`MapCursor`) and C (`bench/c/paired.c`, the calls ref.c "
                  "makes, entered through jffi once per run), and the same mmap full reads (`MmapArray.getLong` "
                  "per entry; C's plain loop over its own mapping of the map), alternating in one process: each "
                  "round is a run of jbpf (20,000 calls, or about 1.3 M entries read) and the same run in C, back "
                  "to back, in turn which goes first. ns per operation are medians over the rounds; the ratio is "
                  "the median of the per-round ratios, with its quartiles. The single-call and mmap targets are "
                  "judged on these.\n")
        md.append("Measured on the default JDK; "
                  + ("on JDK 17 again with `--add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED`; "
                     if (run / "paired_incubator.txt").exists() else "")
                  + "and, when one is installed, on a JDK 22+. `MapCursor` calls "
                  "bpf(2) through jffi (JNI) by default (`jffi`); on JDK 17 with those options, as a trivial downcall "
                  "of the incubating foreign linker (`ffm-incubator`, `loader/.../internal/sys/IncubatorSyscall.java`); "
                  "on JDK 22+ with native access enabled, through `java.lang.foreign` as a critical downcall "
                  "(`ffm`, `loader/src/main/java22/.../ElemCall.java`). The two downcalls skip the thread-state "
                  "transition that every JNI call makes.\n")
        md.append("| benchmark | JVM | jbpf ns/op | C ns/op | jbpf/C | quartiles | rounds |")
        md.append("|---|---|---:|---:|---:|---|---:|")
        for paired in paired_sets:
            for name, p in paired.items():
                if name == "_jvm":
                    continue
                md.append(f"| {describe(name)} | {jvm_label(paired)} | {p['jbpf_ns']:.1f} | {p['c_ns']:.1f} | "
                          f"{p['ratio']:.3f} | {p['p25']:.3f}–{p['p75']:.3f} | {p['rounds']} |")
        md.append("")
    md.append(f"B/op includes JMH's own background allocation (≈{floor_rate:.3f} MB/s, shared out over the "
              "operations of each iteration), so operations lasting milliseconds show some B/op that is not "
              "theirs; the target check below allows that floor (1.5× the lowest rate seen, + 0.5 B).\n")
    if events:
        md.append("## Events: ring and perf buffers\n")
        md.append("Records consumed from a `BPF_MAP_TYPE_RINGBUF` and from a `BPF_MAP_TYPE_PERF_EVENT_ARRAY` by jbpf's "
                  "readers (`RingBufferReader.consume`, `PerfBuffer.consume`) and by libbpf's "
                  "(`ring_buffer__consume`, `perf_buffer__consume`; `bench/c/events.c`, entered through jffi once "
                  "per drain), alternating in one process (`io.jbpf.bench.Events`). Each round fills one side's "
                  "buffer with N numbered records (`bpf-src/hooks/jbe_events.c`, one BPF_PROG_TEST_RUN on CPU 0 "
                  "looping with bpf_loop; not timed) and times one drain of it, then the same for the other side, "
                  "in turn which goes first. Each side has its own map; both handlers add each record's first u64 "
                  "to a sum and count it, and both readers visit every CPU's ring. A round where either side did "
                  "not get exactly N records with the right sum, or lost any, stops the run. ns per event are "
                  "medians over the rounds, the ratio is the median of the per-round ratios (jbpf/C), events/s "
                  "is 10⁹ over the median ns. B/event is what the reading thread allocated during jbpf's drains "
                  "(`ThreadMXBean.getThreadAllocatedBytes`), over all measured rounds.\n")
        md.append("| benchmark | name | records per drain | jbpf ns/event | C ns/event | jbpf/C | quartiles | "
                  "jbpf events/s | C events/s | jbpf B/event | rounds |")
        md.append("|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|")
        for name, e in events.items():
            md.append(f"| {describe_event(name)} | `{name}` | {e['events']:,} | {e['jbpf_ns']:.2f} | {e['c_ns']:.2f} | "
                      f"{e['ratio']:.3f} | {e['p25']:.3f}–{e['p75']:.3f} | {1e9 / e['jbpf_ns'] / 1e6:.1f} M | "
                      f"{1e9 / e['c_ns'] / 1e6:.1f} M | {e['bytes']:.4f} | {e['rounds']} |")
        md.append("")
    if hf:
        md.append("## Whole process: ms per command (hyperfine, median)\n")
        md.append("| command | jbpf ms | × JVM floor | reference ms | jbpf/reference | reference |")
        md.append("|---|---:|---:|---:|---:|---|")
        for h in hf:
            ratio = f"{h['jbpf_ms'] / h['c_ms']:.1f}" if h["c_ms"] else "—"
            xf = f"{h['jbpf_ms'] / floor['jbpf_ms']:.1f}" if floor else "—"
            cms = f"{h['c_ms']:.1f} ± {h['c_sd']:.1f}" if h["c_ms"] is not None else "—"
            md.append(f"| {h['label']} | {h['jbpf_ms']:.1f} ± {h['jbpf_sd'] or 0:.1f} | {xf} | {cms} | {ratio} | "
                      f"{'`' + h['c_cmd'].split(' ')[0] + '`' if h['c_cmd'] else '—'} |")
        md.append("")
        md.append("The JVM floor row is the least any `java` command costs here; `jbpf --version` adds loading "
                  "the CLI jar and picocli. Pins made by the load rows are removed after each run.\n")
    md.append("## Targets (reported, not asserted)\n")
    md.append("| target | result | value |")
    md.append("|---|---|---|")
    for text, res, detail in targets:
        md.append(f"| {text} | {res} | {detail} |")
    md.append("")
    md_path.write_text("\n".join(md))


if __name__ == "__main__":
    main()
