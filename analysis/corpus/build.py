"""Raw folder → clean, traceable documents and paragraphs, with a record of every change.

The public entry point is :func:`load_corpus`; :func:`process_file` does the per-file work and is
spawn-safe (module-level, picklable arguments) so ingestion can run in a process pool or on Dask.

Example:
    >>> import analysis as an
    >>> corpus = an.load_corpus()                       # data/raw
    >>> corpus.documents[["doc_id", "title", "place", "date", "duplicate_of"]]
    >>> paras = an.analysis_paragraphs(corpus)          # near-duplicates excluded
"""

from __future__ import annotations

import argparse
import functools
import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis import paths
from analysis.atomic import atomic_write
from analysis.progress import Progress

from .clean import ChromePatterns, clean_line, clean_lines, load_chrome_patterns
from .dedup import duplicate_mask, mark_duplicates, near_duplicate_pairs
from .genre import SUBSTANCE, genre_evidence, load_genre_profiles, paragraph_roles, role_counts
from .io import list_raw_files, read_manifest, read_raw_file
from .meta import header_date, parse_date, signature_date, title_block, title_year
from .places import infer_place
from .script import detect_script, to_simplified, to_simplified_many
from .structure import join_wrapped_lines, split_articles, split_long, structure_paragraphs

if TYPE_CHECKING:  # pragma: no cover
    from analysis.scale.parallel import Executor

log = logging.getLogger(__name__)

DOCUMENT_COLUMNS = [
    "doc_id", "source_file", "title", "title_original", "place", "place_level", "province",
    "date", "year", "script",
    "n_chars", "n_paragraphs", "duplicate_of", "author", "source", "editor", "signature",
    "genre", "genre_evidence",
]  # fmt: skip
PARAGRAPH_COLUMNS = [
    "doc_id", "para_id", "kind", "section", "section_no", "subsection", "position",
    "text", "text_original", "n_chars", "n_garbled", "role",
]  # fmt: skip
COUNT_COLUMNS = [
    "chrome_lines", "related_lines", "byline_lines", "signature_lines", "pinyin_annotations",
    "garbled_spans", "garbled_chars", "urls", "width_normalised", "wrapped_lines_joined",
    "repeated_paragraphs", "title_copies_and_fragments", "non_substance_paragraphs",
]  # fmt: skip
QUALITY_COLUMNS = [
    "source_file", "doc_id", "encoding", "status", "reason", "n_bytes",
    "n_chars_raw", "n_chars_clean", *COUNT_COLUMNS,
]  # fmt: skip
MANIFEST_OVERRIDES = ("title", "date", "place", "year")


@dataclass
class Corpus:
    """The three corpus tables (see docs/CONTRACTS.md for every column).

    Attributes:
        documents: one row per document (``doc_id, source_file, title, place, date, year, script,
            n_chars, n_paragraphs, duplicate_of`` + byline fields + manifest columns).
        paragraphs: one row per paragraph (``doc_id, para_id, kind, section, section_no,
            subsection, position, text, text_original, n_chars, n_garbled``).
        quality: one row per raw file and per document: encoding, status, reason and counts of
            every kind of removal.
        duplicates: confirmed near-duplicate pairs (``doc_a, doc_b, jaccard, containment``).
    """

    documents: pd.DataFrame
    paragraphs: pd.DataFrame
    quality: pd.DataFrame
    duplicates: pd.DataFrame = field(default_factory=pd.DataFrame)
    data_dir: Path | None = None

    def summary(self) -> str:
        """A few lines describing the corpus (printed by ``python -m analysis corpus``)."""
        q = self.quality
        files = q[q["doc_id"] == ""] if "doc_id" in q else q
        skipped = files[files["status"] != "ok"]
        articles = q[q["doc_id"] != ""] if "doc_id" in q else q.iloc[:0]
        skipped_articles = articles[articles["status"] != "ok"]
        n_dup = int((self.documents["duplicate_of"] != "").sum())
        totals = articles[COUNT_COLUMNS].sum()
        lines = [
            f"{len(files)} files read ({len(skipped)} skipped) -> {len(self.documents)} documents "
            f"({len(skipped_articles)} skipped), {n_dup} near-duplicate(s), "
            f"{len(self.paragraphs)} paragraphs",
            "removed/flagged: " + ", ".join(f"{k}={int(v)}" for k, v in totals.items() if v),
        ]
        if "role" in self.paragraphs:
            roles = self.paragraphs.loc[self.paragraphs["role"] != SUBSTANCE, "role"]
            counts = roles.value_counts().sort_index()
            lines.append(
                f"not substance (left out of themes, keywords, topics): {len(roles)} paragraphs"
                + (
                    ""
                    if counts.empty
                    else " (" + ", ".join(f"{k}={v}" for k, v in counts.items()) + ")"
                )
            )
        if "genre" in self.documents:
            genres = self.documents["genre"].value_counts().sort_index()
            lines.append("genre by evidence: " + ", ".join(f"{k}={v}" for k, v in genres.items()))
        lines += [f"skipped {r.source_file}: {r.reason}" for r in skipped.itertuples()]
        lines += [
            f"skipped {r.source_file} ({r.doc_id}): {r.reason}"
            for r in skipped_articles.itertuples()
        ]
        return "\n".join(lines)


def doc_id_bases(files: list[Path]) -> dict[Path, str]:
    """Stable id stem per file: the part before the first ``_`` when unique, else the stem."""
    prefixes = {p: p.stem.split("_")[0] for p in files}
    counts = Counter(prefixes.values())
    return {p: (pre if counts[pre] == 1 and pre else p.stem) for p, pre in prefixes.items()}


_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]")


def _drop_repeats(lines: list[str], start: int) -> tuple[list[str], int]:
    """Drop body lines whose opening (≥30 CJK chars) repeats an earlier, longer paragraph."""
    kept, dropped, seen = lines[:start], 0, []
    joined = ""  # every kept core, "\n"-separated: one C-level substring search rules most out
    for line in lines[start:]:
        core = _NOT_CJK.sub("", line)
        probe = core[:50]
        if (
            len(probe) >= 30
            and probe in joined
            and any(probe in s and len(core) <= len(s) for s in seen)
        ):
            dropped += 1
            continue
        seen.append(core)
        joined += "\n" + core
        kept.append(line)
    return kept, dropped


def _article(
    lines: list[str], marker_title: str, patterns: ChromePatterns
) -> tuple[dict, pd.DataFrame, Counter[str]]:
    cleaned = clean_lines(lines, patterns)
    counts = Counter(cleaned.counts)
    marker = clean_line(marker_title)[0] if marker_title else ""
    n_before = len(cleaned.lines) + (1 if marker else 0)
    front_title = clean_line(cleaned.meta["title"])[0] if cleaned.meta.get("title") else ""
    title, body, n_title = title_block(cleaned.lines, marker, meta_title=front_title)
    counts["title_copies_and_fragments"] += max(0, n_before - len(body))
    sig_date, sig_at = signature_date(body)
    signature = ""
    if sig_at >= n_title and sig_at >= 0:
        signature = body.pop(sig_at)
        counts["signature_lines"] += 1
    joined, n_joins = join_wrapped_lines(body[n_title:])
    counts["wrapped_lines_joined"] += n_joins
    body = body[:n_title] + [piece for line in joined for piece in split_long(line)]
    body, n_rep = _drop_repeats(body, n_title)
    counts["repeated_paragraphs"] += n_rep
    paras = structure_paragraphs(body, n_title_lines=n_title) if body else pd.DataFrame()
    meta = dict(cleaned.meta)
    byline_date = parse_date(meta.get("date", "")) if meta.get("date") else ""
    meta.update(
        title_original=title,
        date=byline_date or sig_date or header_date(body),
        signature=signature,
    )
    return meta, paras, counts


SHORT_REPORT_CHARS = 41  # a title-like block this long (or with clause punctuation) is text


def is_short_report(lines: list[str]) -> bool:
    """True when the only lines left (taken for a title block) are a short report's text.

    A title rarely has clause punctuation (，；。！？) or more than 40 characters; a one-line
    report usually has one of them, so it is kept as the document's body instead of being
    dropped as "nothing but a title".
    """
    text = "".join(lines)
    return len(text) >= SHORT_REPORT_CHARS or any(ch in text for ch in "，,；;。！？!?")


def _no_body_reason(paras: pd.DataFrame, counts: Counter[str]) -> str:
    """Say truthfully why an article has no body (chrome only, title only, nothing)."""
    removed = sum(counts.get(c, 0) for c in ("chrome_lines", "related_lines", "byline_lines"))
    if len(paras):
        title = "".join(paras["text_original"].tolist())[:40]
        return f"only a title line left after cleaning ({title!r}, {removed} chrome lines removed)"
    if removed:
        return f"no report text left after cleaning (web chrome only: {removed} lines removed)"
    return "no text left after cleaning"


def process_file(
    path: str | Path, doc_id_base: str, patterns: ChromePatterns | None = None
) -> tuple[list[dict], list[pd.DataFrame], list[dict]]:
    """Ingest one raw file: decode, split articles, clean, structure, describe.

    Returns:
        ``(document_rows, paragraph_frames, quality_rows)``; a skipped file yields no documents
        and one quality row whose ``reason`` names the problem.
    """
    pats = patterns if patterns is not None else load_chrome_patterns()
    raw = read_raw_file(path)
    file_row = {
        "source_file": raw.path.name, "doc_id": "", "encoding": raw.encoding,
        "status": raw.status, "reason": raw.reason, "n_bytes": raw.n_bytes,
        "n_chars_raw": len(raw.text),
    }  # fmt: skip
    if raw.status != "ok":
        return [], [], [file_row]
    articles = split_articles(raw.text.split("\n"))
    docs, frames, quality = [], [], [file_row]
    for k, (marker_title, lines) in enumerate(articles, start=1):
        doc_id = doc_id_base if len(articles) == 1 else f"{doc_id_base}-{k}"
        meta, paras, counts = _article(lines, marker_title, pats)
        kinds = paras["kind"].tolist() if len(paras) else []
        has_body = any(k != "title" for k in kinds)
        q = {"source_file": raw.path.name, "doc_id": doc_id, "encoding": raw.encoding,
             "status": "ok", "reason": "", "n_bytes": 0,
             "n_chars_raw": sum(len(x) for x in lines)}  # fmt: skip
        q.update({c: int(counts.get(c, 0)) for c in COUNT_COLUMNS})
        if not has_body and len(paras) and is_short_report(paras["text_original"].tolist()):
            # a one-line report (no sentence punctuation) looked like a title: it is the text
            paras["kind"] = "body"
            kinds = ["body"] * len(paras)
            meta["title_original"] = ""
            has_body = True
        if not has_body:
            reason = _no_body_reason(paras, counts)
            q.update(status="skipped", reason=reason)
            log.warning("skipping %s (%s): %s", raw.path.name, doc_id, reason)
            quality.append(q)
            continue
        # the paragraph frame is built once from columns (no per-column inserts)
        columns = {c: paras[c].tolist() for c in paras.columns}
        originals = columns["text_original"]
        texts = to_simplified_many(originals)  # one OpenCC call per document
        is_body = [k != "title" for k in kinds]
        span = max(1, len(paras) - 1)
        columns.update(
            doc_id=[doc_id] * len(paras),
            position=[p / span for p in columns["para_id"]],
            text=texts,
            n_chars=[len(t) for t in texts],
            n_garbled=[t.count("\ufffd") for t in texts],
            role=[SUBSTANCE] * len(paras),  # set corpus-wide by finish_corpus (corpus.genre)
        )
        frame = pd.DataFrame({c: columns[c] for c in PARAGRAPH_COLUMNS})
        for c in PARAGRAPH_COLUMNS:  # same dtypes as the structure step's frame
            if c in paras.columns and frame[c].dtype != paras[c].dtype:
                frame[c] = frame[c].astype(paras[c].dtype)
        original = "\n".join(o for o, b in zip(originals, is_body) if b)
        simplified = "\n".join(t for t, b in zip(texts, is_body) if b)
        title = to_simplified(meta["title_original"])
        header = "\n".join(t for t, b in zip(texts, is_body) if not b and t != title)
        place = infer_place(
            title, simplified, header=header, signature=to_simplified(meta["signature"])
        )
        q["n_chars_clean"] = sum(len(t) for t in texts)
        docs.append({
            "doc_id": doc_id, "source_file": raw.path.name, "title": title,
            "title_original": meta["title_original"],
            "place": place.place, "place_level": place.level, "province": place.province,
            "date": meta["date"],
            "year": int(meta["date"][:4]) if meta["date"] else title_year(title),
            "script": detect_script(original, simplified), "n_chars": len(simplified),
            "n_paragraphs": len(paras), "duplicate_of": "",
            "author": meta.get("author", ""), "source": meta.get("source", ""),
            "editor": meta.get("editor", ""), "signature": meta.get("signature", ""),
            "genre": "", "genre_evidence": "",
        })  # fmt: skip
        frames.append(frame)
        quality.append(q)
    return docs, frames, quality


def _join_manifest(documents: pd.DataFrame, manifest: pd.DataFrame) -> pd.DataFrame:
    """Add manifest columns; non-empty manifest title/date/place/year override text-derived ones
    (which are kept as ``<col>_from_text``).

    ``year`` and ``date`` cells are parsed as Chinese metadata is written
    (:mod:`analysis.corpus.manifest_values`: ``2019年``, ``二〇二〇年``, ``2019-2020``, ``2019.3.5`` …);
    a range sets ``year_end``. A cell that cannot be parsed never replaces the value read from
    the text: it is logged as ``manifest.csv:LINE: problem`` and listed in the documents'
    ``manifest_problems`` column.
    """
    from analysis.corpus.manifest_values import parse_date, parse_year

    where = manifest.attrs.get("path", "manifest.csv")
    m = manifest.rename(columns={"file": "source_file"}).copy()
    problems: dict[str, list[str]] = {}
    parsed_years, year_end, parsed_dates = [], [], []
    for line, row in enumerate(m.to_dict("records"), start=2):  # header is line 1
        found: list[str] = []
        y, last, problem = parse_year(row.get("year", ""))
        found += [problem] if problem else []
        d, problem = parse_date(row.get("date", ""))
        found += [problem] if problem else []
        if y is None and d and not str(row.get("year", "")).strip():
            y = int(d[:4])  # a manifest date without a year column: the year follows the date
        parsed_years.append(y)
        year_end.append(last)
        parsed_dates.append(d)
        for problem in found:
            log.warning("%s:%d: %s; kept the value read from the text", where, line, problem)
        if found:
            problems[row["source_file"]] = found
    if "year" in m.columns or "date" in m.columns:
        m["year"] = pd.array(parsed_years, dtype="Int64")
        if any(v is not None for v in year_end):
            m["year_end"] = pd.array(year_end, dtype="Int64")
    if "date" in m.columns:
        m["date"] = parsed_dates
    clash = [c for c in m.columns if c in documents.columns and c != "source_file"]
    merged = documents.merge(m, on="source_file", how="left", suffixes=("", "__manifest"))
    multi = merged["source_file"].map(merged["source_file"].value_counts()) > 1
    for col in clash:
        man = merged.pop(f"{col}__manifest")
        if col in MANIFEST_OVERRIDES:
            use = man.notna() & (man.astype(str).str.strip() != "")
            if col == "title":
                use &= ~multi  # one manifest title cannot name several articles
            merged[f"{col}_from_text"] = merged[col]
            if col == "year":
                merged[col] = merged[col].astype("Int64").mask(use, man.astype("Int64"))
            else:
                merged[col] = merged[col].mask(use, man.fillna(""))
        else:
            merged[f"manifest_{col}"] = man.fillna("")
    merged["manifest_problems"] = merged["source_file"].map(
        lambda f: "; ".join(problems.get(f, []))
    )
    return merged


def load_corpus(
    data_dir: str | Path | None = None,
    *,
    chrome: str | Path | None = None,
    genres: str | Path | None = None,
    workers: int = 1,
    executor: Executor | None = None,
) -> Corpus:
    """Read, clean and structure every report in a raw folder.

    Args:
        data_dir: Folder of raw text files (default ``data/raw``), optionally with ``manifest.csv``.
        chrome: Alternative chrome-pattern YAML (default ``data/lexicons/chrome.yaml``).
        genres: Alternative genre-profile YAML (default ``data/lexicons/genres.yaml``): paragraph
            roles (``paragraphs.role``) and document genres (``documents.genre``).
        workers: Processes for per-file ingestion when no ``executor`` is given; 1 = in-process.
        executor: where per-file ingestion runs (:func:`analysis.scale.parallel.make_executor`:
            in-process, a process pool or Dask); the result is the same.

    Returns:
        :class:`Corpus` with ``documents``, ``paragraphs``, ``quality`` and ``duplicates``.

    Raises:
        InputFileError: if the folder is missing/empty, or the manifest or patterns are malformed.
    """
    folder = Path(data_dir) if data_dir is not None else paths.RAW
    files = list_raw_files(folder)
    manifest = read_manifest(folder)
    load_chrome_patterns(chrome)  # a malformed pattern file fails here, before any worker starts
    if executor is not None:
        return ingest_files(
            files, manifest=manifest, chrome=chrome, executor=executor, folder=folder,
            genres=genres,
        )  # fmt: skip
    from analysis.scale.parallel import process_pool

    with process_pool(workers if len(files) > 1 else 1) as ex:
        return ingest_files(
            files, manifest=manifest, chrome=chrome, executor=ex, folder=folder, genres=genres
        )


IN_PROCESS_CHUNKS = 40  # chunks of an in-process ingestion (progress granularity)


def ingest_files(
    files: Sequence[str | Path],
    *,
    manifest: pd.DataFrame | None = None,
    chrome: str | Path | None = None,
    executor: Executor | None = None,
    n_chunks: int | None = None,
    folder: str | Path | None = None,
    genres: str | Path | None = None,
) -> Corpus:
    """Ingest raw files in contiguous chunks on an executor, then the corpus-wide steps
    (``genres``: the genre-profile YAML for :func:`finish_corpus`).

    Files are split into chunks balanced by size (about four per worker, one in-process), each
    chunk is ingested by :func:`ingest_chunk` wherever the executor runs it, the chunks are
    concatenated in file order and :func:`finish_corpus` marks near-duplicates and joins the
    manifest, so the corpus does not depend on the executor or the chunking.

    Returns:
        :class:`Corpus`.
    """
    from analysis.scale.parallel import Executor as _Inline
    from analysis.scale.parallel import chunk_by_weight

    files = [Path(f) for f in files]
    executor = executor or _Inline()
    # in-process: about IN_PROCESS_CHUNKS chunks, so progress is reported every few files
    # without paying three DataFrame constructions per file
    n_chunks = n_chunks or (
        min(max(1, len(files)), IN_PROCESS_CHUNKS)
        if executor.workers <= 1
        else 4 * executor.workers
    )
    sizes = [f.stat().st_size for f in files]
    bases = {str(f): b for f, b in doc_id_bases(files).items()}
    chunks = chunk_by_weight([str(f) for f in files], weights=sizes, n_chunks=n_chunks)
    chrome_s = str(chrome) if chrome else None
    tasks = [(c, {f: bases[f] for f in c}, chrome_s) for c in chunks]
    progress = Progress(len(files), what="files")
    parts = []
    for chunk, part in zip(chunks, executor.imap(ingest_chunk, tasks), strict=True):
        parts.append(part)
        files_q = part.quality[part.quality["doc_id"].fillna("") == ""]  # one row per file
        progress.update(len(chunk), chars=int(files_q["n_chars_raw"].fillna(0).sum()))
    progress.done()
    documents = [p.documents for p in parts if len(p.documents)]
    paragraphs = [p.paragraphs for p in parts if len(p.paragraphs)]
    quality = (
        pd.concat([p.quality for p in parts], ignore_index=True)
        if parts
        else pd.DataFrame(columns=QUALITY_COLUMNS)
    )
    if not documents:
        raise_empty(Path(folder) if folder else Path("."), quality)
    return finish_corpus(
        pd.concat(documents, ignore_index=True), pd.concat(paragraphs, ignore_index=True),
        quality, manifest=manifest, files=files, folder=folder, genres=genres,
    )  # fmt: skip


def _chrome_patterns(chrome: str | None) -> ChromePatterns:
    """:func:`load_chrome_patterns`, parsed once per process per file version (in-process
    ingestion runs one chunk per file; the YAML used to be parsed for every file)."""
    p = Path(chrome) if chrome else paths.LEXICONS / "chrome.yaml"
    try:
        st = p.stat()
        version = (st.st_mtime_ns, st.st_size)
    except OSError:
        return load_chrome_patterns(chrome)  # the loader names the problem
    return _chrome_patterns_cached(str(p), version)


@functools.lru_cache(maxsize=4)
def _chrome_patterns_cached(path: str, version: tuple[int, int]) -> ChromePatterns:
    return load_chrome_patterns(path)


def ingest_chunk(task: tuple[list[str], dict[str, str], str | None]) -> Corpus:
    """Ingest one chunk of raw files with :func:`process_file` (an executor task).

    Near-duplicates and the manifest are *not* handled here: both need every document (see
    :func:`finish_corpus`).

    Args:
        task: ``(file paths, {path: doc_id base}, chrome-pattern file or None)``; the doc-id
            bases come from :func:`doc_id_bases` over *all* files, so ids do not depend on how
            files are chunked.

    Returns:
        A :class:`Corpus` of these files (``duplicate_of`` all "", no ``duplicates``).
    """
    files, bases, chrome = task
    patterns = _chrome_patterns(chrome)
    results = [process_file(Path(f), bases[str(f)], patterns) for f in files]
    docs = [d for r in results for d in r[0]]
    frames = [f for r in results for f in r[1]]
    quality = pd.DataFrame([q for r in results for q in r[2]]).reindex(columns=QUALITY_COLUMNS)
    documents = pd.DataFrame(docs).reindex(columns=DOCUMENT_COLUMNS)
    documents["year"] = documents["year"].astype("Int64")
    paragraphs = (
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=PARAGRAPH_COLUMNS)
    )
    return Corpus(documents, paragraphs, quality)


def finish_corpus(
    documents: pd.DataFrame,
    paragraphs: pd.DataFrame,
    quality: pd.DataFrame,
    *,
    manifest: pd.DataFrame | None = None,
    files: Sequence[str | Path] = (),
    folder: str | Path | None = None,
    genres: str | Path | None = None,
) -> Corpus:
    """Corpus-wide steps after per-file ingestion (:func:`process_file`), shared by
    :func:`load_corpus`, :mod:`analysis.scale.parallel` and :mod:`analysis.scale.distributed`:
    paragraph roles and document genres (:mod:`analysis.corpus.genre`, rules in ``genres``,
    default ``data/lexicons/genres.yaml``), near-duplicate marking, the manifest join, manifest
    files that are missing, quality columns.

    Args:
        documents, paragraphs, quality: the concatenated per-file outputs, in corpus order.
        manifest: the folder's manifest (see :func:`analysis.corpus.io.read_manifest`), if any.
        files: the raw files that were read (to report manifest entries with no file).
        folder: the raw folder (for messages).

    Returns:
        The finished :class:`Corpus`.
    """
    folder = Path(folder) if folder is not None else None
    if documents.empty:
        raise_empty(folder or Path("."), quality)
    documents = documents.copy()
    paragraphs, documents, quality = _label_genre(paragraphs, documents, quality, genres)
    texts = (
        paragraphs[paragraphs["kind"] != "title"]
        .groupby("doc_id", sort=False)["text"]
        .agg("\n".join)
    )
    pairs = near_duplicate_pairs(texts.reindex(documents["doc_id"]).fillna(""))
    documents["duplicate_of"] = mark_duplicates(documents, pairs).to_numpy()
    if manifest is not None:
        documents = _join_manifest(documents, manifest)
        missing = sorted(set(manifest["file"]) - {Path(f).name for f in files})
        for name in missing:
            log.warning("manifest.csv lists %s, which is not in %s", name, folder)
        if missing:
            extra = pd.DataFrame({"source_file": missing, "doc_id": "", "status": "skipped",
                                  "reason": "listed in manifest.csv but not found"})  # fmt: skip
            quality = pd.concat([quality, extra], ignore_index=True)
    return Corpus(documents, paragraphs, _finish_quality(quality), pairs, folder)


def _label_genre(
    paragraphs: pd.DataFrame,
    documents: pd.DataFrame,
    quality: pd.DataFrame,
    genres: str | Path | None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Paragraph ``role``, document ``genre``/``genre_evidence``, non-substance counts."""
    profiles = load_genre_profiles(genres)
    paragraphs = paragraphs.copy()
    paragraphs["role"] = paragraph_roles(paragraphs, profiles=profiles).to_numpy()
    ev = genre_evidence(documents, paragraphs, profiles=profiles).set_index("doc_id")
    documents["genre"] = documents["doc_id"].map(ev["genre"]).fillna("none").to_numpy()
    documents["genre_evidence"] = documents["doc_id"].map(ev["evidence"]).fillna("").to_numpy()
    counts = role_counts(paragraphs).set_index("doc_id")["non_substance_paragraphs"]
    quality = quality.copy()
    quality["non_substance_paragraphs"] = quality["doc_id"].map(counts).fillna(0).to_numpy()
    return paragraphs, documents, quality


def _finish_quality(quality: pd.DataFrame) -> pd.DataFrame:
    for col in ("n_bytes", "n_chars_raw", "n_chars_clean", *COUNT_COLUMNS):
        quality[col] = pd.to_numeric(quality[col], errors="coerce").fillna(0).astype(int)
    for col in ("doc_id", "encoding", "reason"):
        quality[col] = quality[col].fillna("")
    return quality


def raise_empty(folder: Path, quality: pd.DataFrame) -> None:
    """No document survived: fail with the per-file reasons instead of an empty analysis."""
    from analysis.errors import InputFileError

    reasons = "; ".join(f"{r.source_file}: {r.reason}" for r in quality.itertuples() if r.reason)
    raise InputFileError(folder, f"no readable report in the folder ({reasons})")


def analysis_paragraphs(
    corpus: Corpus,
    *,
    include_duplicates: bool = False,
    include_titles: bool = True,
    substance_only: bool = True,
) -> pd.DataFrame:
    """Paragraphs used for analysis: near-duplicate documents excluded unless asked for, and
    paragraphs that are not substance (``role`` other than ``substance``: salutations, the thanks
    formula, notes and glossaries, signatures, sharing lines — see :mod:`analysis.corpus.genre`)
    excluded unless ``substance_only=False``.

    Returns:
        The ``paragraphs`` table (same columns), filtered.
    """
    paras = corpus.paragraphs
    if substance_only and "role" in paras:
        paras = paras[paras["role"] == SUBSTANCE]
    if not include_duplicates:
        dups = set(corpus.documents.loc[duplicate_mask(corpus.documents), "doc_id"])
        paras = paras[~paras["doc_id"].isin(dups)]
    if not include_titles:
        paras = paras[paras["kind"] != "title"]
    return paras.reset_index(drop=True)


def write_corpus_tables(corpus: Corpus, out_dir: str | Path) -> dict[str, Path]:
    """Write ``documents.csv``, ``paragraphs.csv`` and ``quality.csv`` (UTF-8) into ``out_dir``."""
    out = Path(out_dir)
    written = {}
    for name, frame in (
        ("documents", corpus.documents),
        ("paragraphs", corpus.paragraphs),
        ("quality", corpus.quality),
    ):
        path = atomic_write(out / f"{name}.csv", frame.to_csv(index=False))
        written[name] = path
    return written


def cli_corpus(args: argparse.Namespace) -> int:
    """``python -m analysis corpus [--data DIR] [--out DIR]``."""
    corpus = load_corpus(args.data)
    written = write_corpus_tables(corpus, args.out)
    print(corpus.summary())
    print("wrote " + ", ".join(str(p) for p in written.values()))
    return 0
