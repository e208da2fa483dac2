#!/usr/bin/env python3
"""Reproducible sample of 60 mappings (20 per framework), seed 20261202."""
import json
import random
import sys
LIB = "catalogs/library"
FW = "catalogs/frameworks"
FILES = [("nist-csf", "nist-csf-2.0.json"), ("nist-ai-rmf", "nist-ai-rmf-1.0.json"), ("iso-iec-42001", "iso-iec-42001-2023.json")]
SEED = 20261202
controls = {c["code"]: c for c in json.load(open(f"{LIB}/controls.json"))["controls"]}
out = []
for slug, fwfile in FILES:
    maps = json.load(open(f"{LIB}/mappings-{slug}.json"))["mappings"]
    elems = json.load(open(f"{LIB}/elements-{slug}.json"))["requirements"]
    reqs = {r["ref"]: r for r in json.load(open(f"{FW}/{fwfile}"))["requirements"]}
    idx = random.Random(SEED).sample(range(len(maps)), 20)
    for n, i in enumerate(idx, 1):
        m = maps[i]
        out.append({"framework": slug, "n": n, "index": i, "total": len(maps), **m})
        if "-v" in sys.argv:
            r = reqs.get(m["requirement"], {})
            c = controls.get(m["control"], {})
            print("=" * 100)
            print(f"[{slug} #{n}] index {i}/{len(maps)}  {m['control']} {m['relationship']} {m['requirement']}  strength={m.get('strength')} rationale={m.get('rationale')}")
            print(f"REQ {m['requirement']}: {r.get('title','')} | {r.get('text','')}")
            for e in elems.get(m["requirement"], []):
                print(f"   ({e['key']}) {e['text']}")
            print(f"COVERS: {m.get('covers')}")
            print(f"JUST: {m.get('justification')}")
            print(f"CTRL {m['control']} - {c.get('title')}: {c.get('description')}")
json.dump(out, sys.stdout, indent=1)
print("sampled", len(out))
