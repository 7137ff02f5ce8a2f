"""The validation loop: coding sheets for human coders, then precision, recall and agreement.

1. :func:`theme_coding_sheet` samples, for every theme, paragraphs the lexicon assigns to it
   and paragraphs it does not (a stratified, seeded sample; each row carries its stratum's
   sampling ``weight`` so recall can be estimated for the whole corpus), with the document's
   metadata, the tool's assignment (``theme``, ``assigned``) and an empty ``code`` column.
   :func:`slogan_coding_sheet` and :func:`intrusion_coding_sheet` do the same for slogan
   candidates and word-intrusion items.
2. :func:`write_coding_sheet` writes ``.xlsx`` (and/or ``.csv``); each coder fills ``code``
   (1 = the paragraph is about the theme / the slogan is a real slogan / the intruder index).
3. :func:`validate_sheets` (``python -m analysis validate SHEET … --out DIR``) reads one filled
   sheet per coder and reports, per theme, precision, recall and F1 of the lexicon against the
   coders' majority code, and the agreement between coders: Krippendorff's α (nominal, the
   ``krippendorff`` package) for any number of coders and Cohen's κ for each pair.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputFileError

META_COLUMNS = ["title", "place", "year", "level", "region"]
SHEET_COLUMNS = [
    "item_id",
    "task",
    "doc_id",
    "para_id",
    *META_COLUMNS,
    "text",
    "theme",
    "assigned",
    "weight",
    "code",
    "comment",
]


def with_metadata(frame: pd.DataFrame, documents: pd.DataFrame | None) -> pd.DataFrame:
    """Join the documents' metadata columns (title, place, year, level, region) onto rows.

    Returns:
        ``frame`` with every column of :data:`META_COLUMNS` (empty where unknown) after
        ``doc_id``'s neighbours.
    """
    out = frame.copy()
    if documents is not None and len(out):
        have = [c for c in META_COLUMNS if c in documents]
        meta = documents[["doc_id", *have]].astype({"doc_id": str}).drop_duplicates("doc_id")
        out = out.drop(columns=[c for c in have if c in out]).merge(
            meta, on="doc_id", how="left", validate="many_to_one"
        )
    for c in META_COLUMNS:
        if c not in out:
            out[c] = ""
    out[META_COLUMNS] = out[META_COLUMNS].astype(object).where(out[META_COLUMNS].notna(), "")
    return out


def theme_coding_sheet(
    paragraphs: pd.DataFrame,
    paragraph_themes: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    *,
    n_per_stratum: int = 20,
    seed: int,
    themes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A stratified coding sheet: per theme, paragraphs assigned to it and paragraphs not.

    The tool's assignment is the paragraph's dominant theme (``paragraph_themes``, which needs
    ≥ 2 hits). For theme t the sheet holds up to ``n_per_stratum`` paragraphs whose dominant
    theme is t (``assigned = 1``) and as many whose dominant theme is not t (``assigned = 0``),
    drawn uniformly without replacement; ``weight`` = stratum size / sample size, so recall
    over the corpus is estimated with the weights (:func:`validate_sheets`).

    Args:
        paragraphs: analysed paragraphs (``doc_id, para_id, text_original`` …).
        paragraph_themes: ``analysis.themes.paragraph_themes`` (``dominant_theme`` per paragraph).
        documents: documents (metadata columns are copied onto each row).
        n_per_stratum: sample size per theme and stratum.
        seed: sampling seed.
        themes: theme ids to sample (default: every theme that is some paragraph's dominant one).

    Returns:
        DataFrame with :data:`SHEET_COLUMNS`; ``task = "theme"``, ``code`` empty.
    """
    keys = ["doc_id", "para_id"]
    pt = paragraph_themes[[*keys, "dominant_theme"]].astype({"doc_id": str})
    text_col = "text_original" if "text_original" in paragraphs else "text"
    paras = paragraphs[[*keys, text_col]].astype({"doc_id": str}).merge(pt, on=keys, how="left")
    paras["dominant_theme"] = paras["dominant_theme"].fillna("").astype(str).replace("none", "")
    wanted = (
        list(themes)
        if themes is not None
        else sorted(t for t in paras["dominant_theme"].unique() if t)
    )
    rng = np.random.default_rng(seed)
    parts = []
    for theme in wanted:
        for assigned in (1, 0):
            stratum = paras[(paras["dominant_theme"] == theme) == bool(assigned)]
            if stratum.empty:
                continue
            k = min(n_per_stratum, len(stratum))
            pick = stratum.iloc[np.sort(rng.choice(len(stratum), size=k, replace=False))]
            parts.append(pick.assign(theme=theme, assigned=assigned, weight=len(stratum) / k))
    if not parts:
        return pd.DataFrame(columns=SHEET_COLUMNS)
    sheet = pd.concat(parts, ignore_index=True).rename(columns={text_col: "text"})
    return _finish_sheet(sheet, documents, task="theme")


def slogan_coding_sheet(
    slogans: pd.DataFrame, documents: pd.DataFrame | None = None, *, n: int = 50, seed: int
) -> pd.DataFrame:
    """Slogan candidates for coders: is this a real political slogan/formulation? (code 1/0).

    Args:
        slogans: ``extract_slogans`` output (``slogan``, ``kind``, ``n_docs``, ``example`` …).
        documents: unused (slogans span documents); kept for a uniform signature.
        n: number of candidates (a seeded sample when there are more).
        seed: sampling seed.

    Returns:
        DataFrame with :data:`SHEET_COLUMNS`; ``task = "slogan"``, ``theme`` = the slogan kind,
        ``text`` = slogan and an example sentence, ``assigned = 1`` (the tool lists it).
    """
    if slogans.empty:
        return pd.DataFrame(columns=SHEET_COLUMNS)
    rng = np.random.default_rng(seed)
    pick = slogans.iloc[np.sort(rng.choice(len(slogans), size=min(n, len(slogans)), replace=False))]
    example = pick["example"] if "example" in pick else ""
    sheet = pd.DataFrame(
        {
            "doc_id": "",
            "para_id": "",
            "text": pick["slogan"].astype(str)
            + " — "
            + pd.Series(example, index=pick.index).astype(str),
            "theme": pick["kind"].astype(str) if "kind" in pick else "",
            "assigned": 1,
            "weight": len(slogans) / len(pick),
        }
    ).reset_index(drop=True)
    return _finish_sheet(sheet, None, task="slogan")


def intrusion_coding_sheet(items: pd.DataFrame) -> pd.DataFrame:
    """Word-intrusion items for coders (``analysis.topics.word_intrusion`` output).

    The coder writes the intruding word into ``code``; ``theme`` holds the topic and
    ``text`` the shuffled words; the true intruder is kept out of the sheet (the ``coding``
    command writes it to ``intrusion_key.csv``; see :func:`intrusion_precision`).

    Returns:
        DataFrame with :data:`SHEET_COLUMNS`; ``task = "intrusion"``.
    """
    if items.empty:
        return pd.DataFrame(columns=SHEET_COLUMNS)
    words = items["words"] if "words" in items else items.iloc[:, 1]
    sheet = pd.DataFrame(
        {
            "doc_id": "",
            "para_id": "",
            "text": words.map(lambda w: " ".join(w) if isinstance(w, (list, tuple)) else str(w)),
            "theme": items["topic"].astype(str) if "topic" in items else "",
            "assigned": "",
            "weight": 1.0,
        }
    ).reset_index(drop=True)
    return _finish_sheet(sheet, None, task="intrusion")


def _finish_sheet(
    sheet: pd.DataFrame, documents: pd.DataFrame | None, *, task: str
) -> pd.DataFrame:
    """Metadata, ``task``, numbered ``item_id`` and empty ``code``/``comment``, in
    :data:`SHEET_COLUMNS` order: the part every coding sheet shares."""
    sheet = with_metadata(sheet, documents)
    sheet["task"] = task
    sheet["item_id"] = [f"{task}-{i:04d}" for i in range(len(sheet))]
    sheet["code"] = ""
    sheet["comment"] = ""
    return sheet[SHEET_COLUMNS]


def write_coding_sheet(sheet: pd.DataFrame, path: str | Path) -> Path:
    """Write a coding sheet as ``.xlsx`` or ``.csv`` (by suffix), ids kept as text.

    Returns:
        the written path.
    """
    from analysis.atomic import atomic_path

    path = Path(path)
    if "coding" not in path.name:
        raise ValueError(f"{path}: coding sheet names must contain 'coding'")
    if path.suffix not in (".xlsx", ".csv"):
        raise ValueError(f"{path}: use .xlsx or .csv")
    text = sheet.astype({c: str for c in ("item_id", "doc_id", "para_id") if c in sheet})
    with atomic_path(path) as tmp:
        if path.suffix == ".xlsx":
            text.to_excel(tmp, index=False, sheet_name="coding", engine="openpyxl")
        else:
            text.to_csv(tmp, index=False, encoding="utf-8-sig")
    return path


def read_coding_sheet(path: str | Path) -> pd.DataFrame:
    """Read a filled coding sheet (``.xlsx`` or ``.csv``) with ids as text.

    Raises:
        InputFileError: unreadable file or missing ``item_id``/``code`` columns.
    """
    path = Path(path)
    dtype = {"item_id": str, "doc_id": str, "para_id": str, "code": str, "theme": str}
    try:
        if path.suffix == ".xlsx":
            df = pd.read_excel(path, dtype=dtype, engine="openpyxl")
        else:
            df = pd.read_csv(path, dtype=dtype, encoding="utf-8-sig", keep_default_na=False)
    except FileNotFoundError:
        raise InputFileError(path, "no such file") from None
    except Exception as exc:  # noqa: BLE001 - any reader error becomes one line
        raise InputFileError(
            path, f"cannot read coding sheet ({type(exc).__name__}: {exc})"
        ) from None
    missing = [c for c in ("item_id", "code") if c not in df]
    if missing:
        raise InputFileError(path, f"missing column(s) {', '.join(missing)}", line=1)
    df["code"] = df["code"].fillna("").astype(str).str.strip()
    return df


def _norm_code(v: str) -> str:
    v = str(v).strip().lower()
    if v in ("nan", "none"):
        return ""
    if v in ("1", "1.0", "yes", "y", "是", "true"):
        return "1"
    if v in ("0", "0.0", "no", "n", "否", "false"):
        return "0"
    return v


def agreement(codes: pd.DataFrame) -> pd.DataFrame:
    """Inter-coder agreement on a wide table of codes (rows = items, columns = coders).

    Empty codes are missing values. Krippendorff's α (nominal) uses every coder; Cohen's κ is
    computed for each pair of coders on the items both coded.

    Returns:
        DataFrame[measure, coders, value, n_items]: ``krippendorff_alpha`` (all coders),
        ``percent_agreement`` and ``cohen_kappa`` (each pair).
    """
    import krippendorff
    from sklearn.metrics import cohen_kappa_score

    coders = list(codes.columns)
    rows = []
    values = codes.map(lambda v: v if v != "" else np.nan)
    cats = sorted({v for v in values.stack().unique()})
    index = {c: i for i, c in enumerate(cats)}
    matrix = values.map(lambda v: index[v] if v in index else np.nan).T.to_numpy(dtype=float)
    n_items = int((values.notna().sum(axis=1) >= 2).sum())
    alpha = (
        float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))
        if len(coders) >= 2 and n_items > 0 and len(cats) >= 2
        else np.nan
    )
    rows.append(
        {
            "measure": "krippendorff_alpha",
            "coders": "+".join(coders),
            "value": alpha,
            "n_items": n_items,
        }
    )
    for a, b in itertools.combinations(coders, 2):
        both = values[[a, b]].dropna()
        pa = float((both[a] == both[b]).mean()) if len(both) else np.nan
        kappa = (
            float(cohen_kappa_score(both[a], both[b]))
            if len(both) and len(set(both[a]) | set(both[b])) >= 2
            else np.nan
        )
        rows.append(
            {
                "measure": "percent_agreement",
                "coders": f"{a}+{b}",
                "value": pa,
                "n_items": len(both),
            }
        )
        rows.append(
            {"measure": "cohen_kappa", "coders": f"{a}+{b}", "value": kappa, "n_items": len(both)}
        )
    return pd.DataFrame(rows)


def precision_recall(sheet: pd.DataFrame, consensus: pd.Series) -> pd.DataFrame:
    """Precision, recall and F1 of the tool's ``assigned`` against the coders' ``consensus``.

    Recall is weighted by the sampling weights (assigned and unassigned paragraphs are sampled
    at different rates), so it estimates corpus recall, not sample recall.

    Returns:
        DataFrame[theme, n_coded, precision, recall, f1, note].
    """
    df = sheet.assign(truth=consensus.reindex(sheet.index))
    df = df[df["truth"].isin(["0", "1"]) & df["task"].eq("theme")]
    rows = []
    for theme, part in df.groupby("theme", sort=True):
        a = part["assigned"].astype(int).to_numpy()
        t = part["truth"].astype(int).to_numpy()
        w = part["weight"].astype(float).to_numpy()
        tp, fp, fn = (
            (w * (a == 1) * (t == 1)).sum(),
            (w * (a == 1) * (t == 0)).sum(),
            (w * (a == 0) * (t == 1)).sum(),
        )
        prec = tp / (tp + fp) if tp + fp > 0 else np.nan
        rec = tp / (tp + fn) if tp + fn > 0 else np.nan
        f1 = (
            2 * prec * rec / (prec + rec)
            if prec == prec and rec == rec and prec + rec > 0
            else np.nan
        )
        note = f"n = {len(part)}" if len(part) < 20 else ""
        rows.append(
            {
                "theme": theme,
                "n_coded": len(part),
                "precision": prec,
                "recall": rec,
                "f1": f1,
                "note": note,
            }
        )
    return pd.DataFrame(rows, columns=["theme", "n_coded", "precision", "recall", "f1", "note"])


def validate_sheets(paths: Sequence[str | Path]) -> dict[str, pd.DataFrame]:
    """Read one filled sheet per coder; report agreement and the lexicon's precision/recall.

    Coders are named after their files (stem). Items are matched by ``item_id``. The consensus
    code of an item is the majority of its non-empty codes (ties: no consensus).

    Returns:
        ``{"agreement": agreement(...), "validation": precision_recall(...),
        "codes": DataFrame[item_id, task, theme, assigned, weight, <coder>…, consensus]}``.
    """
    if not paths:
        raise ValueError("validate: give at least one filled coding sheet")
    sheets = {Path(p).stem: read_coding_sheet(p) for p in paths}
    first = next(iter(sheets.values())).set_index("item_id")
    wide = pd.DataFrame(index=first.index)
    for coder, df in sheets.items():
        wide[coder] = df.set_index("item_id")["code"].map(_norm_code).reindex(wide.index).fillna("")

    def majority(row: pd.Series) -> str:
        vals = [v for v in row if v != ""]
        if not vals:
            return ""
        counts = pd.Series(vals).value_counts()
        return str(counts.index[0]) if len(counts) == 1 or counts.iloc[0] > counts.iloc[1] else ""

    consensus = wide.apply(majority, axis=1)
    keep = [c for c in ("task", "theme", "assigned", "weight") if c in first]
    codes = first[keep].join(wide).assign(consensus=consensus).reset_index()
    theme_items = first.reset_index()
    if "task" in theme_items and "assigned" in theme_items:
        pr = precision_recall(
            theme_items, consensus.reset_index(drop=True).set_axis(theme_items.index)
        )
    else:
        pr = pd.DataFrame(columns=["theme", "n_coded", "precision", "recall", "f1", "note"])
    agree = (
        agreement(wide)
        if len(sheets) >= 2
        else pd.DataFrame(
            [
                {
                    "measure": "krippendorff_alpha",
                    "coders": next(iter(sheets)),
                    "value": np.nan,
                    "n_items": 0,
                }
            ]
        )
    )
    return {"agreement": agree, "validation": pr, "codes": codes}


def cli_validate(args) -> int:
    """``python -m analysis validate SHEET [SHEET …] --out DIR``: agreement and precision/recall.

    Writes ``validation.csv``, ``agreement.csv``, ``validation_codes.csv`` and
    ``validation.png``/``.svg`` into ``--out`` and prints a short summary.
    """
    from analysis.figures.plots_inference import plot_validation
    from analysis.figures.save import save_figure, write_table
    from analysis.figures.style import figure_style

    out = Path(args.out)
    for p in args.sheets:
        if Path(p).resolve().parent == out.resolve() and Path(p).stem in (
            "validation",
            "agreement",
            "validation_codes",
        ):
            raise InputFileError(p, "would be overwritten by the outputs; choose another --out")
    res = validate_sheets(args.sheets)
    out.mkdir(parents=True, exist_ok=True)
    write_table(res["validation"], out / "validation.csv")
    write_table(res["agreement"], out / "agreement.csv")
    write_table(res["codes"], out / "validation_codes.csv")
    if getattr(args, "intrusion_key", None):
        key = pd.read_csv(args.intrusion_key, dtype=str)
        prec = intrusion_precision(res["codes"][res["codes"]["task"] == "intrusion"], key)
        write_table(prec, out / "intrusion_precision.csv")
        print(
            f"word intrusion: mean model precision {prec['precision'].mean():.2f} over {len(prec)} topics"
        )
    with figure_style():
        fig = plot_validation(res["validation"], res["agreement"])
        save_figure(fig, out, "validation")
    for row in res["agreement"].itertuples(index=False):
        value = "not applicable (one coder)" if row.value != row.value else f"{row.value:.3f}"
        print(f"{row.measure} ({row.coders}): {value} on {row.n_items} items")
    for row in res["validation"].itertuples(index=False):
        print(
            f"{row.theme}: precision {row.precision:.2f}, recall {row.recall:.2f}, "
            f"F1 {row.f1:.2f} (n = {row.n_coded})"
        )
    print(f"wrote {out}/validation.csv, agreement.csv, validation_codes.csv, validation.png")
    return 0


def cli_coding(args) -> int:
    """``python -m analysis coding --data DIR --out DIR [--n 20] [--format xlsx]``.

    Writes ``theme_coding``, ``slogan_coding`` and ``intrusion_coding`` sheets for the corpus.
    """
    from analysis.atomic import atomic_path
    from analysis.corpus import analysis_paragraphs, load_corpus
    from analysis.measures.slogans import extract_slogans
    from analysis.measures.themes import load_themes, paragraph_themes
    from analysis.text.tokens import tokenize, unit_tokens
    from analysis.topics import fit_topics, word_intrusion

    corpus = load_corpus(args.data)
    paras = analysis_paragraphs(corpus)
    docs = corpus.documents
    out = Path(args.out)
    sheets = {
        "theme_coding": theme_coding_sheet(
            paras,
            paragraph_themes(paras, load_themes()),
            docs,
            n_per_stratum=args.n,
            seed=args.seed,
        ),
        "slogan_coding": slogan_coding_sheet(extract_slogans(paras, docs), seed=args.seed),
    }
    units = unit_tokens(tokenize(paras), unit="paragraph")
    try:
        model = fit_topics(units, k=min(10, max(2, len(units) // 20)), seed=args.seed)
        items = word_intrusion(model, seed=args.seed)
        sheets["intrusion_coding"] = intrusion_coding_sheet(items)
        key = sheets["intrusion_coding"][["item_id"]].assign(intruder=items["intruder"].to_numpy())
        out.mkdir(parents=True, exist_ok=True)
        with atomic_path(out / "intrusion_key.csv") as tmp:  # the answers: keep from the coders
            key.to_csv(tmp, index=False)
    except ValueError as exc:  # too little text for a topic model
        print(f"intrusion_coding: not applicable ({exc})")
    for name, sheet in sheets.items():
        path = write_coding_sheet(sheet, out / f"{name}.{args.format}")
        print(f"{path}: {len(sheet)} items")
    return 0


def intrusion_precision(codes: pd.DataFrame, key: pd.DataFrame) -> pd.DataFrame:
    """Model precision (Chang et al. 2009): share of coders who found each topic's intruder.

    Args:
        codes: ``validate_sheets(...)["codes"]`` for an intrusion sheet (one column per coder).
        key: DataFrame[item_id, intruder] (``intrusion_key.csv`` written by ``coding``).

    Returns:
        DataFrame[item_id, theme, n_coders, precision] (``theme`` holds the topic).
    """
    coders = [
        c
        for c in codes.columns
        if c not in ("item_id", "task", "theme", "assigned", "weight", "consensus")
    ]
    merged = codes.merge(key.astype(str), on="item_id", how="inner")
    rows = []
    for row in merged.itertuples(index=False):
        answers = [getattr(row, c) for c in coders if getattr(row, c) != ""]
        hit = [a == row.intruder for a in answers]
        rows.append(
            {
                "item_id": row.item_id,
                "theme": row.theme,
                "n_coders": len(answers),
                "precision": float(np.mean(hit)) if hit else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=["item_id", "theme", "n_coders", "precision"])
