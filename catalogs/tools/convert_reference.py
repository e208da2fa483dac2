#!/usr/bin/env python3
"""One-off maintenance tool: converts the reference catalogs (array of {id, kind, parent, title, text})
into Accord's own framework files under catalogs/frameworks/. Not used at run or test time.

Usage: python3 catalogs/tools/convert_reference.py REFERENCE_DIR
"""
import json
import sys
from pathlib import Path

FRAMEWORKS = [
    {
        "file": "nist-csf-2.0.json",
        "slug": "nist-csf",
        "name": "NIST Cybersecurity Framework",
        "short_name": "CSF 2.0",
        "version": "2.0",
        "publisher": "National Institute of Standards and Technology",
        "published": "2024-02-26",
        "licence": "US government work: public domain in the US (CC0 waiver elsewhere).",
        "source": "NIST CSWP 29 (CSF 2.0) via NIST's OSCAL catalog; implementation examples included.",
        "ships_text": True,
    },
    {
        "file": "nist-ai-rmf-1.0.json",
        "slug": "nist-ai-rmf",
        "name": "NIST AI Risk Management Framework",
        "short_name": "AI RMF 1.0",
        "version": "1.0",
        "publisher": "National Institute of Standards and Technology",
        "published": "2023-01-26",
        "licence": "US government work: public domain in the US.",
        "source": "NIST AI 100-1, final wording of the core.",
        "ships_text": True,
    },
    {
        "file": "iso-iec-42001-2023.json",
        "slug": "iso-iec-42001",
        "name": "ISO/IEC 42001 Artificial intelligence management system",
        "short_name": "ISO/IEC 42001:2023",
        "version": "2023",
        "publisher": "ISO/IEC",
        "published": "2023-12-18",
        "licence": "(c) ISO/IEC. Identifiers and short headings only; no requirement text is shipped. "
        "Organizations that licence the standard may import its text.",
        "source": "Clause and Annex A identifiers and headings.",
        "ships_text": False,
    },
]


def convert(reference_dir: Path, out_dir: Path) -> None:
    for fw in FRAMEWORKS:
        rows = json.loads((reference_dir / fw["file"]).read_text())
        requirements = []
        for row in rows:
            req = {
                "ref": row["id"],
                "kind": row["kind"],
                "parent": row["parent"],
                "title": row.get("title") or "",
                "text": (row.get("text") or "") if fw["ships_text"] else "",
            }
            if row.get("examples"):
                req["examples"] = row["examples"]
            requirements.append(req)
        doc = {k: v for k, v in fw.items() if k not in ("file", "ships_text")}
        doc["requirements"] = requirements
        out = out_dir / f"{fw['slug']}-{fw['version']}.json"
        out.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
        print(f"{out.name}: {len(requirements)} requirements")


if __name__ == "__main__":
    convert(Path(sys.argv[1]), Path(__file__).resolve().parent.parent / "frameworks")
