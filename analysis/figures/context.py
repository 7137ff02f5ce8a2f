"""Lazily computed, cached stage results for one data folder (the inputs of every figure).

A :class:`FigureContext` calls the other stages' public functions the first time an attribute
is read and keeps the value for the rest of the run, so twelve figures share one corpus, one
tokenization and one set of topic models. Heavy stages (tokens, topic models) are cached on disk
by their own modules (content-keyed, :mod:`analysis.cache`); this class holds no disk cache.

An attribute whose stage is not importable yet raises :class:`StageUnavailable`; the pipeline
turns that into a skipped output with a logged reason.

    >>> from analysis.figures.context import FigureContext
    >>> ctx = FigureContext("data/raw", seed=20240601)
    >>> ctx.documents[["doc_id", "title"]]          # computed on first access
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import paths

log = logging.getLogger(__name__)

DEFAULT_SEED = 20240601


class StageUnavailable(RuntimeError):
    """An upstream stage (module or function) needed by an output is not available."""


class NotApplicable(StageUnavailable):
    """The corpus lacks what an output needs (e.g. no ``level`` metadata): nothing to draw."""


def stage_function(module: str, name: str) -> Callable[..., Any]:
    """Import ``analysis.<module>.<name>``, or raise :class:`StageUnavailable` saying what is missing."""
    try:
        mod = importlib.import_module(f"analysis.{module}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("analysis"):
            raise StageUnavailable(f"analysis.{module} is not implemented yet") from None
        raise
    try:
        return getattr(mod, name)
    except AttributeError:
        raise StageUnavailable(f"analysis.{module}.{name} is not implemented yet") from None


TOPIC_OPTIONS_ENV = "ANALYSIS_TOPIC_OPTIONS"


def env_topic_options() -> dict[str, Any]:
    """Topic-stage options from ``$ANALYSIS_TOPIC_OPTIONS`` (JSON object; empty when unset).

    For quick trial runs and the test suite, e.g.
    ``ANALYSIS_TOPIC_OPTIONS='{"ks": [3, 4], "n_seeds": 2, "n_stability": 2}'``.
    """
    raw = os.environ.get(TOPIC_OPTIONS_ENV, "").strip()
    if not raw:
        return {}
    try:
        options = json.loads(raw)
    except ValueError as exc:
        raise ValueError(f"${TOPIC_OPTIONS_ENV} is not JSON: {exc}") from None
    if not isinstance(options, dict):
        raise ValueError(f"${TOPIC_OPTIONS_ENV} must be a JSON object, not {raw!r}")
    return options


class FigureContext:
    """Stage results for one raw folder, each computed once on first access.

    Args:
        data_dir: folder of raw report files (with or without ``manifest.csv``).
        seed: master seed; every random step derives its seed from it.
        force: ask the stages to recompute instead of reading their caches.
        lexicon_dir: folder of editable lexicons (default ``data/lexicons``).
        topic_options: overrides for the topic stage (``ks``, ``n_seeds``, ``n_stability``,
            ``iterations`` …). Default: none, unless the environment variable
            ``ANALYSIS_TOPIC_OPTIONS`` holds them as JSON (the test suite sets tiny ones, which
            the notebooks it runs inherit); either way they enter the source fingerprint.
    """

    def __init__(
        self,
        data_dir: str | Path | None = None,
        *,
        seed: int = DEFAULT_SEED,
        force: bool = False,
        lexicon_dir: str | Path | None = None,
        topic_options: dict[str, Any] | None = None,
    ) -> None:
        self.data_dir = Path(data_dir) if data_dir is not None else paths.RAW
        self.seed = int(seed)
        self.force = bool(force)
        self.lexicon_dir = Path(lexicon_dir) if lexicon_dir is not None else paths.LEXICONS
        self.topic_options = dict(
            topic_options if topic_options is not None else env_topic_options()
        )
        self._values: dict[str, Any] = {}

    def __repr__(self) -> str:
        done = ", ".join(self._values) or "nothing yet"
        return f"FigureContext({str(self.data_dir)!r}, seed={self.seed}; computed: {done})"

    # -- generic access -------------------------------------------------------------------
    def get(self, name: str) -> Any:
        """Value of input ``name`` (computed on first access, then cached for this run)."""
        if name not in self._values:
            compute = getattr(self, f"_compute_{name}", None)
            if compute is None:
                raise KeyError(f"unknown figure input {name!r}")
            self._values[name] = compute()
        return self._values[name]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self.get(name)
        except KeyError:
            raise AttributeError(f"FigureContext has no input {name!r}") from None

    def available(self, names: tuple[str, ...] | list[str]) -> str | None:
        """``None`` when every input can be computed, else the reason one cannot."""
        for name in names:
            try:
                self.get(name)
            except StageUnavailable as exc:
                return str(exc)
        return None

    def digest(self, names: tuple[str, ...] | list[str]) -> str:
        """SHA-256 of the content of the given inputs (plus the master seed)."""
        h = hashlib.sha256(f"seed={self.seed}".encode())
        for name in names:
            h.update(name.encode())
            h.update(content_hash(self.get(name)).encode())
        return h.hexdigest()

    def source_fingerprint(self) -> str:
        """SHA-256 of everything the outputs are computed from, without computing anything.

        Covers the bytes of every file in the data folder and the lexicon folder, the source of
        the whole ``analysis`` package (and its style file), the versions of the libraries that
        shape the results, the master seed and the topic options. Equal fingerprints mean every
        stage would return the same values, so the pipeline can skip computing them.
        """
        from .manifest import package_versions

        h = hashlib.sha256(f"seed={self.seed}".encode())
        h.update(json.dumps(self.topic_options, sort_keys=True, default=str).encode())
        h.update(json.dumps(package_versions(), sort_keys=True).encode())
        for label, root, pattern in (
            ("data", self.data_dir, "*"),
            ("lexicons", self.lexicon_dir, "*"),
            ("code", paths.PACKAGE_DIR, "**/*.py"),
        ):
            files = (
                sorted(p for p in Path(root).glob(pattern) if p.is_file())
                if Path(root).is_dir()
                else []
            )
            for f in files:
                h.update(f"{label}/{f.relative_to(root).as_posix()}".encode())
                h.update(hashlib.sha256(f.read_bytes()).digest())
        h.update((paths.PACKAGE_DIR / "style.mplstyle").read_bytes())
        return h.hexdigest()

    def seeds(self, names: tuple[str, ...] | list[str]) -> dict[str, Any]:
        """Seeds that the given inputs were computed with (for the manifest)."""
        out: dict[str, Any] = {"master": self.seed}
        wanted = set(names)
        if wanted & {"topic_model", "topic_terms", "doc_topics", "topic_stability"}:
            out["topic_model_seed"] = int(self.topic_model.seed)
        if wanted & {"k_selection", "chosen_k"}:
            out["k_sweep_seeds"] = sorted(int(s) for s in self.k_selection["seed"].unique())
        if "topic_stability" in wanted:
            stab = self.topic_stability
            n_runs = int(stab["n_runs"].iloc[0]) if len(stab) and "n_runs" in stab else 0
            # run_topic_analysis refits with seed, seed + 1, … (the first run is the model)
            out["stability_seeds"] = [int(self.topic_model.seed) + i for i in range(n_runs)]
        if wanted & {"seeded_model", "seeded_report"}:
            out["seeded_model_seed"] = int(self.seeded_model.seed)
        return out

    # -- corpus ---------------------------------------------------------------------------
    def _compute_corpus(self):
        load_corpus = stage_function("corpus.build", "load_corpus")
        return load_corpus(self.data_dir)

    def _compute_documents(self) -> pd.DataFrame:
        return self.corpus.documents

    def _compute_quality(self) -> pd.DataFrame:
        return self.corpus.quality

    def _compute_all_paragraphs(self) -> pd.DataFrame:
        return self.corpus.paragraphs

    def _compute_paragraphs(self) -> pd.DataFrame:
        """Paragraphs of the analysed documents (near-duplicates excluded)."""
        return stage_function("corpus.build", "analysis_paragraphs")(self.corpus)

    def _compute_analysed_documents(self) -> pd.DataFrame:
        docs = self.documents
        if "duplicate_of" in docs:
            docs = docs[docs["duplicate_of"].fillna("").astype(str) == ""]
        return docs.reset_index(drop=True)

    # -- tokens ---------------------------------------------------------------------------
    def _compute_tokens(self) -> pd.DataFrame:
        tokenize = stage_function("text.tokens", "tokenize")
        return tokenize(self.paragraphs)

    def _compute_all_tokens(self) -> pd.DataFrame:
        """Tokens of every document including near-duplicates (for the similarity figure)."""
        if self.all_paragraphs is self.paragraphs or len(self.all_paragraphs) == len(
            self.paragraphs
        ):
            return self.tokens
        tokenize = stage_function("text.tokens", "tokenize")
        return tokenize(self.all_paragraphs)

    def _compute_vocabulary(self) -> pd.DataFrame:
        return stage_function("text.vocab", "vocabulary")(self.tokens)

    # -- themes, slogans --------------------------------------------------------------------
    def _compute_themes(self) -> pd.DataFrame:
        return stage_function("measures.themes", "load_themes")()

    def _compute_theme_labels(self) -> dict[str, tuple[str, str]]:
        from .plots_themes import theme_labels

        return theme_labels(self.themes)

    def _compute_theme_scores(self) -> pd.DataFrame:
        return stage_function("measures.themes", "theme_scores")(
            self.paragraphs, self.tokens, self.themes
        )

    def _compute_paragraph_themes(self) -> pd.DataFrame:
        return stage_function("measures.themes", "paragraph_themes")(self.paragraphs, self.themes)

    def _compute_slogans(self) -> pd.DataFrame:
        return stage_function("measures.slogans", "extract_slogans")(
            self.paragraphs, self.documents
        )

    def _compute_slogan_mentions(self) -> pd.DataFrame:
        """Every slogan mention (doc_id, para_id, slogan, kind, surface …)."""
        return stage_function("measures.slogans", "slogan_mentions")(self.paragraphs)

    def _compute_slogan_counts(self) -> pd.DataFrame:
        """Mentions per (slogan, doc_id), from the mention table of :mod:`analysis.measures.slogans`."""
        m = self.slogan_mentions
        counts = m.groupby(["slogan", "doc_id"], sort=True).size().rename("mentions")
        return counts.reset_index()

    # -- keywords ---------------------------------------------------------------------------
    def _compute_document_units(self) -> pd.Series:
        """Token lists per analysed document."""
        return stage_function("text.tokens", "unit_tokens")(self.tokens, unit="document")

    def _compute_paragraph_units(self) -> pd.Series:
        """Token lists per analysed paragraph (``"{doc_id}#{para_id}"``)."""
        return stage_function("text.tokens", "unit_tokens")(self.tokens, unit="paragraph")

    def _compute_keyword_tables(self) -> dict[str, pd.DataFrame]:
        """``analysis.measures.keywords.keyword_tables``: TF-IDF terms, similarity, keyness.

        Keyness compares each report with the rest, and the paragraphs of each dominant theme
        with all other paragraphs (paragraphs without a dominant theme are reference only).
        """
        pt = self.paragraph_themes.copy()
        pt["dominant_theme"] = pt["dominant_theme"].astype(str).replace({"none": ""})
        keyword_tables = stage_function("measures.keywords", "keyword_tables")
        return keyword_tables(self.paragraph_units, n=20, paragraph_themes=pt)

    def _compute_tfidf_keywords(self) -> pd.DataFrame:
        return self.keyword_tables["tfidf_keywords"]

    def _compute_keyness(self) -> pd.DataFrame:
        return self.keyword_tables["keyness"]

    def _compute_similarity(self) -> pd.DataFrame:
        """Document × document cosine similarity, near-duplicates included (to mark them)."""
        units = stage_function("text.tokens", "unit_tokens")(self.all_tokens, unit="document")
        return stage_function("measures.keywords", "doc_similarity")(units)

    # -- themes over time (analysis.measures.timeseries) ---------------------------------------------
    def _compute_prevalence(self) -> dict[str, pd.DataFrame]:
        """``timeseries.prevalence_tables``: theme prevalence by year and by level (bootstrap CI)."""
        tables = stage_function("measures.timeseries", "prevalence_tables")
        return tables(self.theme_scores, self.analysed_documents, seed=self.seed)

    def _compute_prevalence_by_year(self) -> pd.DataFrame:
        df = self.prevalence["theme_prevalence_by_year"]
        if df.empty:
            raise NotApplicable(
                "no document has a date or year (add a year column to manifest.csv)"
            )
        return df

    def _compute_prevalence_by_level(self) -> pd.DataFrame:
        df = self.prevalence["theme_prevalence_by_level"]
        if df.empty:
            raise NotApplicable("documents have no 'level' (add a level column to manifest.csv)")
        return df

    # -- topics -----------------------------------------------------------------------------
    @functools.cached_property
    def topic_settings(self) -> dict[str, Any]:
        """Arguments of :func:`analysis.topics.run_topic_analysis` (``topic_options`` override).

        The defaults are the topic stage's own (K = 3…10, 3 sweep seeds, 5 stability runs,
        tomotopy, 3 free topics beside the seeded ones); seeds derive from the master seed.
        """
        settings: dict[str, Any] = {"seed": self.seed}
        settings.update(self.topic_options)
        return settings

    def _compute_topic_units(self) -> pd.Series:
        """Tokens per paragraph for topic models (report-generic words removed, no titles)."""
        return stage_function("topics", "topic_units")(self.paragraphs)

    def _compute_topic_analysis(self) -> dict[str, Any]:
        """Everything :func:`analysis.topics.run_topic_analysis` returns, through its own
        content-keyed cache (units, paragraphs, themes, settings, topics source, libraries)."""
        run = stage_function("topics", "run_topic_analysis")
        applicability = stage_function("topics.pipeline", "topic_applicability")
        opts = {
            k: self.topic_settings[k]
            for k in ("min_df", "max_df", "ks")
            if k in self.topic_settings
        }
        reason = applicability(self.topic_units, **opts)
        if reason:
            raise NotApplicable(f"topic models: {reason}")
        return run(
            self.topic_units,
            self.paragraphs,
            themes=self.themes,
            cache=True,
            force=self.force,
            **self.topic_settings,
        )

    def _compute_k_selection(self) -> pd.DataFrame:
        """The K sweep: backend, k, seed, npmi, c_v, u_mass, perplexity, diversity."""
        return self.topic_analysis["topic_k_selection"]

    def _compute_chosen_k(self) -> int:
        return int(self.topic_analysis["chosen_k"])

    def _compute_topic_model(self):
        """The reported model (TopicResult): chosen K, master seed, all paragraph units."""
        return self.topic_analysis["model"]

    def _compute_topic_terms(self) -> pd.DataFrame:
        """Rows of ``topics.csv`` for the reported model (ranked by relevance, λ = 0.6)."""
        t = self.topic_analysis["topics"]
        return t[t["model"] == self.topic_model.name].reset_index(drop=True)

    def _compute_doc_topics(self) -> pd.DataFrame:
        """Rows of ``doc_topics.csv`` for the reported model (model, doc_id, topic, weight)."""
        d = self.topic_analysis["doc_topics"]
        return d[d["model"] == self.topic_model.name].reset_index(drop=True)

    def _compute_topic_stability(self) -> pd.DataFrame:
        """``topic_stability.csv``: per topic, mean and minimum matched cosine over re-fits."""
        return self.topic_analysis["topic_stability"]

    def _compute_seeded_report(self) -> pd.DataFrame:
        """``seeded_topic_report`` of the seeded model (seed_mass, share_top_seed, new_terms …)."""
        report = self.topic_analysis["seeded_topics"]
        if report is None or report.empty:
            raise StageUnavailable("no seeded model (themes.yaml has no usable theme)")
        return report

    def _compute_seeded_model(self):
        """Seeded LDA (TopicResult): one topic per theme of ``themes.yaml`` plus free topics."""
        model = self.topic_analysis["seeded_model"]
        if model is None:
            raise StageUnavailable("no seeded model (themes.yaml has no usable theme)")
        return model


def content_hash(value: Any) -> str:
    """A stable SHA-256 of a stage value (DataFrame, Series, array, dataclass, dict, scalar)."""
    h = hashlib.sha256()
    _update(h, value)
    return h.hexdigest()


HASH_DECIMALS = 10  # floats are hashed rounded: last-bit summation noise is not a change


def _update(h, value: Any) -> None:
    if isinstance(value, pd.DataFrame):
        h.update(json.dumps([str(c) for c in value.columns]).encode())
        floats = value.select_dtypes("float").columns
        if len(floats):
            value = value.assign(**{c: value[c].round(HASH_DECIMALS) for c in floats})
        h.update(
            pd.util.hash_pandas_object(value.astype(_hashable_dtypes(value)), index=True)
            .to_numpy()
            .tobytes()
        )
    elif isinstance(value, pd.Series):
        h.update(
            pd.util.hash_pandas_object(
                value.map(_scalar) if value.dtype == object else value, index=True
            )
            .to_numpy()
            .tobytes()
        )
    elif isinstance(value, np.ndarray):
        h.update(str(value.shape).encode() + str(value.dtype).encode())
        if value.dtype.kind == "f":
            value = np.round(value, HASH_DECIMALS)
        h.update(np.ascontiguousarray(value).tobytes())
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            field_value = getattr(value, name)
            if isinstance(field_value, Path):
                continue  # where a folder lives is not content (Corpus.data_dir)
            h.update(name.encode())
            _update(h, field_value)
    elif isinstance(value, float):
        h.update(repr(round(value, HASH_DECIMALS)).encode())
    elif isinstance(value, dict):
        for key in sorted(value, key=str):
            if str(key).endswith("_seconds"):
                continue  # timings (fit_seconds) differ run to run; they are not inputs
            h.update(str(key).encode())
            _update(h, value[key])
    elif isinstance(value, (list, tuple)):
        h.update(f"[{len(value)}".encode())
        for item in value:
            _update(h, item)
    else:
        h.update(repr(value).encode())


def _scalar(v: Any) -> Any:
    return (
        json.dumps(v, default=str, ensure_ascii=False)
        if isinstance(v, (list, tuple, dict, np.ndarray))
        else v
    )


def _hashable_dtypes(df: pd.DataFrame) -> dict[str, Any]:
    out = {}
    for col in df.columns:
        if (
            df[col].dtype == object
            and df[col].map(lambda v: isinstance(v, (list, tuple, dict, np.ndarray))).any()
        ):
            out[col] = str
    return out
