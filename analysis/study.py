"""One study: a raw folder, a lexicon folder and one :class:`~analysis.options.StudyOptions`.

:class:`Study` owns the pipeline. Each result (``study.corpus``, ``study.paragraphs``,
``study.tokens``, ``study.themes``, ``study.slogans``, ``study.topics`` …) is a lazily computed
property: computed on first access by calling the stage functions (plain imports below, the same
pure functions ``import analysis as an`` exposes), then kept for the life of the object. The
expensive stages (tokens, topic models) also keep a content-keyed disk cache
(:mod:`analysis.cache`) keyed by their inputs, options, library versions and the source of the
code that computes them (:mod:`analysis.hashing`). Every option reaches the stages explicitly:
the lexicon folder (themes, slogans, chrome, user dictionary, stopwords, generic words), the
tokenizer options, the genre, the seed, the executor, ``force``.

    >>> from analysis import Study, StudyOptions
    >>> study = Study("data/raw", lexicons="data/lexicons", options=StudyOptions(seed=7))
    >>> study.documents[["doc_id", "title"]]          # computed on first access
    >>> study.theme_scores.head()

Adding a result is one method::

    @result
    def reuse_pairs(self) -> pd.DataFrame:
        \"\"\"Passages shared by two documents (columns …).\"\"\"
        return text_reuse(self.paragraphs, seed=self.seed)

It is then ``study.reuse_pairs``, a valid figure input (``inputs=["reuse_pairs"]``) and part of
the manifest's input hashes. A result that the corpus cannot support raises
:class:`NotApplicable` with the reason (the figure pipeline records "not applicable").
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import hashing, paths
from analysis.corpus.build import Corpus, analysis_paragraphs, load_corpus
from analysis.corpus.dedup import without_duplicates
from analysis.corpus.genre import (
    GenreProfiles,
    corpus_genres,
    drop_words,
    genre_generic_words,
    load_genre_profiles,
)
from analysis.measures.cooccurrence import term_cooccurrence, theme_cooccurrence
from analysis.measures.diffusion import (
    adoption_curves,
    first_appearance_by_level,
    slogan_diffusion,
)
from analysis.measures.effects import (
    estimate_effects,
    theme_outcomes,
    topic_outcome_draws,
)
from analysis.measures.groups import compare_groups
from analysis.measures.keywords import doc_similarity, keyword_tables
from analysis.measures.reuse import (
    mask_templates,
    reuse_documents,
    reuse_templates,
    template_spans,
    text_reuse,
)
from analysis.measures.slogans import extract_slogans, load_slogan_patterns, slogan_evidence
from analysis.measures.themes import load_themes, paragraph_themes, theme_hits, theme_scores
from analysis.measures.timeseries import documents_with_level, prevalence_tables
from analysis.measures.validation import (
    intrusion_coding_sheet,
    slogan_coding_sheet,
    theme_coding_sheet,
)
from analysis.options import DEFAULT_SEED, Lexicons, StudyOptions
from analysis.scale.parallel import Executor, make_executor
from analysis.text.embeddings import similar_terms, train_word2vec
from analysis.text.tokens import TokenizerOptions, tokenize, unit_tokens
from analysis.text.vocab import vocabulary
from analysis.topics import Bow, build_bow, run_topic_analysis, topic_units, word_intrusion
from analysis.topics.pipeline import topic_applicability

log = logging.getLogger(__name__)

#: Below this many tokens word2vec neighbours are noise: lexicon suggestions are not applicable.
MIN_WORD2VEC_TOKENS = 100_000

__all__ = ["DEFAULT_SEED", "NotApplicable", "Stage", "StageUnavailable", "Study", "result"]


class StageUnavailable(RuntimeError):
    """An upstream stage needed by an output cannot run (e.g. no usable theme for seeded
    topics); the figure pipeline skips the output with this reason."""


class NotApplicable(StageUnavailable):
    """The corpus lacks what an output needs (e.g. no ``level`` metadata): nothing to draw."""


class result:  # noqa: N801 - used as a decorator, reads like ``property``
    """Declare a lazily computed study result (a method ``(self) -> value``).

    ``study.<name>`` computes the value on first access (through :meth:`Study.get`, so a
    subclass can supply values) and keeps it for the life of the study.
    """

    def __init__(self, func: Callable[[Any], Any]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__
        functools.update_wrapper(self, func)  # type: ignore[arg-type]

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return obj.get(self.name)


Stage = result  # alias, for readers who think in stages


class Study:
    """Stage results for one raw folder, lexicon folder and set of options.

    Args:
        data_dir: folder of raw report files (with or without ``manifest.csv``; default
            ``data/raw``).
        lexicons: folder with the same files as ``data/lexicons/`` (default that folder).
        options: :class:`~analysis.options.StudyOptions` (seed, genre, tokenizer, topics,
            executor, workers, scheduler, force).
        **changes: shortcuts for fields of ``options`` (``Study(d, seed=7, force=True)``).
    """

    def __init__(
        self,
        data_dir: str | Path | None = None,
        *,
        lexicons: str | Path | Lexicons | None = None,
        options: StudyOptions | None = None,
        **changes: Any,
    ) -> None:
        self.data_dir = Path(data_dir) if data_dir is not None else paths.RAW
        self.lexicons = (
            lexicons
            if isinstance(lexicons, Lexicons)
            else Lexicons(Path(lexicons) if lexicons is not None else paths.LEXICONS)
        )
        options = options or StudyOptions()
        self.options = options.replace(**changes) if changes else options
        unknown = set(self.options.tokenizer) - {
            f.name for f in TokenizerOptions.__dataclass_fields__.values()
        }
        if unknown:
            raise ValueError(f"unknown tokenizer option(s): {', '.join(sorted(unknown))}")
        self._values: dict[str, Any] = {}
        self._hashes: dict[str, tuple[Any, str]] = {}  # name -> (value, content hash)

    # -- options, shortcuts ----------------------------------------------------------------
    @property
    def seed(self) -> int:
        return self.options.seed

    @property
    def force(self) -> bool:
        return self.options.force

    @property
    def lexicon_dir(self) -> Path:
        return self.lexicons.folder

    @property
    def topic_options(self) -> dict[str, Any]:
        return dict(self.options.topics)

    @functools.cached_property
    def executor(self) -> Executor:
        """Where ingestion and tokenization run (``options.executor``, ``workers``,
        ``scheduler``): in-process, a warm local process pool, or Dask. Results are the same."""
        return make_executor(
            self.options.executor, workers=self.options.workers, scheduler=self.options.scheduler
        )

    def close(self) -> None:
        """Stop the workers of the executor, if any were started (results stay available)."""
        if "executor" in self.__dict__:
            self.__dict__.pop("executor").close()

    def __enter__(self) -> Study:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def tokenizer_options(self, **changes: Any) -> TokenizerOptions:
        """:class:`TokenizerOptions` with the lexicon files of this study's folder, the
        study's tokenizer options, then ``changes`` (e.g. ``remove_generic=True``)."""
        lex = self.lexicons
        return TokenizerOptions(
            userdict=lex.userdict,
            delete_list=lex.delete_list,
            stopwords=lex.stopwords,
            generic_words=lex.generic_words,
            **{**self.options.tokenizer, **changes},
        )

    def stage_kwargs(self, func: Callable[..., Any]) -> dict[str, Any]:
        """The study-wide options a stage function accepts, by keyword: ``genre`` and
        ``substance_only`` (a stage that grows such a keyword receives it with no other change)."""
        params = inspect.signature(func).parameters
        wanted = {"genre": self.options.genre, "substance_only": self.options.substance_only}
        return {k: v for k, v in wanted.items() if k in params}

    def __repr__(self) -> str:
        done = ", ".join(self._values) or "nothing yet"
        return (
            f"{type(self).__name__}({str(self.data_dir)!r}, lexicons={str(self.lexicon_dir)!r}, "
            f"seed={self.seed}; computed: {done})"
        )

    # -- generic access ----------------------------------------------------------------------
    @classmethod
    def results(cls) -> dict[str, result]:
        """Every result this kind of study can compute, by name (with its docstring)."""
        out: dict[str, result] = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                if isinstance(value, result):
                    out[name] = value
        return out

    def get(self, name: str) -> Any:
        """Value of result ``name`` (computed on first access, then kept)."""
        if name not in self._values:
            spec = type(self).results().get(name)
            if spec is None:
                raise KeyError(f"unknown study result {name!r}")
            self._values[name] = spec.func(self)
        return self._values[name]

    def computed(self) -> list[str]:
        """Names of the results computed so far."""
        return list(self._values)

    def available(self, names: Iterable[str]) -> str | None:
        """``None`` when every result can be computed, else the reason one cannot."""
        for name in names:
            try:
                self.get(name)
            except StageUnavailable as exc:
                return str(exc)
        return None

    def digest(self, names: Iterable[str]) -> str:
        """SHA-256 of the content of the given results (plus the master seed)."""
        h = hashlib.sha256(f"seed={self.seed}".encode())
        for name in names:
            h.update(name.encode())
            h.update(self._content_hash(name).encode())
        return h.hexdigest()

    def _content_hash(self, name: str) -> str:
        """:func:`~analysis.hashing.content_hash` of result ``name``, once per value: every
        output reading ``documents`` (or ``topic_model``) would otherwise hash it again."""
        value = self.get(name)
        hashes = self.__dict__.setdefault("_hashes", {})
        known = hashes.get(name)
        if known is not None and known[0] is value:
            return known[1]
        digest = hashing.content_hash(value)
        hashes[name] = (value, digest)
        return digest

    def source_fingerprint(self) -> str:
        """SHA-256 of everything the results are computed from, without computing anything
        (:func:`analysis.hashing.source_fingerprint`: data folder, lexicon folder, gazetteer,
        package code, library versions, the options that change results)."""
        return hashing.source_fingerprint(self.data_dir, self.lexicon_dir, self.options.key())

    def seeds(self, names: Iterable[str]) -> dict[str, Any]:
        """Seeds that the given results were computed with (for the manifest)."""
        out: dict[str, Any] = {"master": self.seed}
        wanted = set(names)
        if wanted & {"topic_model", "topic_terms", "doc_topics", "topic_stability"}:
            out["topic_model_seed"] = int(self.topic_model.seed)
        if wanted & {"k_selection", "chosen_k"}:
            out["k_sweep_seeds"] = sorted(int(s) for s in self.k_selection["seed"].unique())
        if "topic_stability" in wanted:
            stab = self.topic_stability
            n_runs = int(stab["n_runs"].iloc[0]) if len(stab) and "n_runs" in stab else 0
            first = int(self.topic_model.seed)
            if self.topic_settings.get("stability", "sweep") == "sweep" and n_runs:
                # the model, then the K sweep's fits at the chosen K (seed, seed + 1, …)
                out["stability_seeds"] = [first, *(first + i for i in range(n_runs - 1))]
            else:  # refits with seed + 1, … (the first run is the model)
                out["stability_seeds"] = [first + i for i in range(n_runs)]
        if wanted & {"seeded_model", "seeded_report"}:
            out["seeded_model_seed"] = int(self.seeded_model.seed)
        return out

    # -- corpus ------------------------------------------------------------------------------
    @result
    def corpus(self) -> Corpus:
        """:class:`~analysis.corpus.Corpus` of the raw folder (chrome rules of the lexicons)."""
        return load_corpus(
            self.data_dir,
            chrome=self.lexicons.chrome,
            genres=self._genres_file(),
            executor=self.executor,
            **self.stage_kwargs(load_corpus),
        )

    def _genres_file(self) -> Path | None:
        path = self.lexicons.genres
        if path.exists():
            return path
        log.info("%s has no genres.yaml: using data/lexicons/genres.yaml", self.lexicon_dir)
        return None

    @result
    def genre_profiles(self) -> GenreProfiles:
        """``genres.yaml`` of the lexicon folder: paragraph roles, genres, detector settings."""
        return load_genre_profiles(self._genres_file())

    @result
    def genres(self) -> list[str]:
        """Genre(s) in force: the ``genre`` option, or detected (every genre of ≥ 20 % of the
        analysed documents, :func:`analysis.corpus.genre.corpus_genres`)."""
        genres = corpus_genres(
            self.analysed_documents, genre=self.options.genre, profiles=self.genre_profiles
        )
        log.info("genre profile(s): %s", ", ".join(genres) or "none")
        return genres

    @result
    def genre_generic_words(self) -> tuple[str, ...]:
        """Generic words of the genre(s) in force (removed from keyword and topic tokens)."""
        return genre_generic_words(self.genres, profiles=self.genre_profiles)

    @result
    def keyword_tokens(self) -> pd.DataFrame:
        """Tokens for keyword tables: ``generic_words.txt`` and the genre's words removed."""
        from analysis.text.lexicons import word_set

        words = word_set(self.lexicons.generic_words) | set(self.genre_generic_words)
        return drop_words(self.tokens, words)

    @result
    def documents(self) -> pd.DataFrame:
        """``documents`` table of the corpus (near-duplicates included, marked)."""
        return self.corpus.documents

    @result
    def quality(self) -> pd.DataFrame:
        """``quality`` table: one row per raw file and per document."""
        return self.corpus.quality

    @result
    def all_paragraphs(self) -> pd.DataFrame:
        """Every paragraph, near-duplicate documents included."""
        return self.corpus.paragraphs

    @result
    def paragraphs(self) -> pd.DataFrame:
        """Paragraphs of the analysed documents (near-duplicates excluded; template passages
        blanked out when ``options.exclude_templates`` is set)."""
        paras = analysis_paragraphs(self.corpus, **self.stage_kwargs(analysis_paragraphs))
        k = self.options.exclude_templates
        if k:
            spans = template_spans(
                self.all_paragraphs, self.documents, min_docs=int(k), force=self.force
            )
            paras = mask_templates(paras, spans, source=self.all_paragraphs)
        return paras

    @result
    def analysed_documents(self) -> pd.DataFrame:
        """Documents that are not near-duplicates of an earlier one."""
        return without_duplicates(self.documents).reset_index(drop=True)

    # -- tokens ------------------------------------------------------------------------------
    def _tokenize(self, paragraphs: pd.DataFrame, **changes: Any) -> pd.DataFrame:
        return tokenize(
            paragraphs,
            backend=self.options.tokenizer_backend,
            options=self.tokenizer_options(**changes),
            executor=self.executor,
            force=self.force,
        )

    @result
    def tokens(self) -> pd.DataFrame:
        """Tokens of the analysed paragraphs (``doc_id, para_id, token, start, end``)."""
        return self._tokenize(self.paragraphs)

    @result
    def all_tokens(self) -> pd.DataFrame:
        """Tokens of every document including near-duplicates (for the similarity figure)."""
        if len(self.all_paragraphs) == len(self.paragraphs):
            return self.tokens
        return self._tokenize(self.all_paragraphs)

    @result
    def vocabulary(self) -> pd.DataFrame:
        """Every token with its frequency and document frequency."""
        return vocabulary(self.tokens)

    @result
    def document_units(self) -> pd.Series:
        """Token lists per analysed document (generic words removed: ``keyword_tokens``)."""
        return unit_tokens(self.keyword_tokens, unit="document")

    @result
    def paragraph_units(self) -> pd.Series:
        """Token lists per analysed paragraph (``"{doc_id}#{para_id}"``; generic words
        removed: ``keyword_tokens``)."""
        return unit_tokens(self.keyword_tokens, unit="paragraph")

    # -- themes, slogans ---------------------------------------------------------------------
    @result
    def themes(self) -> pd.DataFrame:
        """The theme lexicons of ``themes.yaml`` in the lexicon folder."""
        return load_themes(self.lexicons.themes)

    @result
    def theme_labels(self) -> dict[str, tuple[str, str]]:
        """``{theme: (English label, Chinese label)}``."""
        from analysis.figures.plots_themes import theme_labels

        return theme_labels(self.themes)

    @result
    def theme_scores(self) -> pd.DataFrame:
        """Hits, hits per 1,000 tokens and share per document and theme."""
        return theme_scores(
            self.paragraphs, self.tokens, self.themes, **self.stage_kwargs(theme_scores)
        )

    @result
    def paragraph_themes(self) -> pd.DataFrame:
        """Theme hits and dominant theme of every analysed paragraph."""
        return paragraph_themes(self.paragraphs, self.themes, **self.stage_kwargs(paragraph_themes))

    @result
    def slogan_patterns(self):
        """Slogan rules of ``slogans.yaml`` in the lexicon folder."""
        return load_slogan_patterns(self.lexicons.slogans)

    @result
    def slogans(self) -> pd.DataFrame:
        """Every slogan with kind, documents, mentions, variants and an example."""
        return extract_slogans(
            self.paragraphs,
            self.documents,
            self.slogan_patterns,
            mentions=self.slogan_mentions,  # searched once, shared with slogan_mentions
            **self.stage_kwargs(extract_slogans),
        )

    @result
    def slogan_evidence(self) -> dict[str, pd.DataFrame]:
        """Slogan mentions and the quoted and formulation candidates, from one search (the
        documents' years feed the era evidence of formulations; the terms their glossaries
        define, paragraphs of role ``notes``, are formulation candidates)."""
        paras = self.all_paragraphs
        notes = paras[paras["role"] == "notes"] if "role" in paras else None
        return slogan_evidence(
            self.paragraphs,
            self.slogan_patterns,
            documents=self.documents,
            notes=notes,
            **self.stage_kwargs(slogan_evidence),
        )

    @result
    def slogan_mentions(self) -> pd.DataFrame:
        """Every slogan mention (doc_id, para_id, slogan, kind, surface …)."""
        return self.slogan_evidence["slogan_mentions"]

    @result
    def quoted_candidates(self) -> pd.DataFrame:
        """Every quoted expression with its verdict: accepted as a slogan (and on what
        evidence) or rejected (and why)."""
        return self.slogan_evidence["quoted_candidates"]

    @result
    def formulation_candidates(self) -> pd.DataFrame:
        """Formulation candidates with their evidence, basis (corpus evidence or lexicon) and
        the reason a rejected one was rejected."""
        return self.slogan_evidence["formulation_candidates"]

    @result
    def slogan_counts(self) -> pd.DataFrame:
        """Mentions per (slogan, doc_id): ``slogan, doc_id, mentions``."""
        m = self.slogan_mentions
        counts = m.groupby(["slogan", "doc_id"], sort=True).size().rename("mentions")
        return counts.reset_index()

    # -- keywords ----------------------------------------------------------------------------
    @result
    def keyword_tables(self) -> dict[str, pd.DataFrame]:
        """TF-IDF terms, similarity, keyness with dispersion (each report, and the paragraphs of
        each dominant theme, against the rest; paragraphs without a dominant theme are reference
        only), on ``paragraph_units``: generic and genre words removed (``keyword_tokens``)."""
        pt = self.paragraph_themes.copy()
        pt["dominant_theme"] = pt["dominant_theme"].astype(str).replace({"none": ""})
        return keyword_tables(self.paragraph_units, n=20, paragraph_themes=pt)

    @result
    def tfidf_keywords(self) -> pd.DataFrame:
        """Top TF-IDF terms per document."""
        return self.keyword_tables["tfidf_keywords"]

    @result
    def keyness(self) -> pd.DataFrame:
        """Keyness of each report and each theme's paragraphs against the rest."""
        return self.keyword_tables["keyness"]

    @result
    def similarity(self) -> pd.DataFrame:
        """Document × document cosine similarity, near-duplicates included (to mark them)."""
        from analysis.text.lexicons import word_set

        words = word_set(self.lexicons.generic_words) | set(self.genre_generic_words)
        return doc_similarity(unit_tokens(drop_words(self.all_tokens, words), unit="document"))

    # -- themes over time --------------------------------------------------------------------
    @result
    def prevalence(self) -> dict[str, pd.DataFrame]:
        """Theme prevalence by year and by level (bootstrap 95 % intervals, seeded)."""
        return prevalence_tables(self.theme_scores, self.analysed_documents, seed=self.seed)

    @result
    def prevalence_by_year(self) -> pd.DataFrame:
        """``theme_prevalence_by_year`` (not applicable without dates)."""
        df = self.prevalence["theme_prevalence_by_year"]
        if df.empty:
            raise NotApplicable(
                "no document has a date or year (add a year column to manifest.csv)"
            )
        return df

    @result
    def prevalence_by_level(self) -> pd.DataFrame:
        """``theme_prevalence_by_level``: by the manifest's ``level``, else by the level inferred
        from the text (``place_level``, labelled in ``level_source``); not applicable when
        neither exists. Empty (the years pooled table then carries the levels) when no
        document with a level is dated."""
        df = self.prevalence["theme_prevalence_by_level"]
        if df.empty and self.prevalence["theme_prevalence_by_level_overall"].empty:
            raise NotApplicable(
                "documents have no 'level' (add a level column to manifest.csv) and no level "
                "inferred from the text (place_level)"
            )
        return df

    # -- text reuse and slogan diffusion ------------------------------------------------------
    @result
    def reuse_pairs(self) -> pd.DataFrame:
        """``reuse_pairs.csv``: passages shared by two documents (doc_a, doc_b, start_a, end_a,
        start_b, end_b, n_chars, similarity, text_a, text_b, direction, direction_basis, kind,
        para_a, para_b); all paragraphs, so near-duplicates are one row of their own; seeded."""
        return text_reuse(self.all_paragraphs, self.documents, seed=self.seed, force=self.force)

    @result
    def reuse_documents(self) -> pd.DataFrame:
        """``reuse_documents.csv``: per document, the share of its text found in earlier ones
        (and in how many), and regardless of direction."""
        return reuse_documents(self.reuse_pairs, self.all_paragraphs, self.documents)

    @result
    def template_spans(self) -> pd.DataFrame:
        """Template passages (text recurring in >= 5 documents), one row per document span:
        template_id, doc_id, start, end, n_chars, max_docs, para_id, text_original."""
        return template_spans(self.all_paragraphs, self.documents, min_docs=5, force=self.force)

    @result
    def reuse_templates(self) -> pd.DataFrame:
        """``reuse_templates.csv``: one row per template with its documents."""
        return reuse_templates(self.template_spans)

    @result
    def slogan_diffusion(self) -> pd.DataFrame:
        """``slogan_diffusion.csv``: first appearance and spread of every recurring slogan."""
        return slogan_diffusion(self.slogan_mentions, self.documents)

    @result
    def slogan_adoption(self) -> pd.DataFrame:
        """Adoption curves (cumulative regions by year) of the 8 most widespread slogans."""
        top = self.slogan_diffusion["slogan"].head(8).tolist()
        return adoption_curves(self.slogan_mentions, self.documents, slogans=top)

    @result
    def slogan_first_by_level(self) -> pd.DataFrame:
        """First year of each slogan at each administrative level (slogan, level, first_year,
        first_doc, n_docs, level_source, n_docs_without_level): the manifest's level, else the
        level inferred from the text (place_level)."""
        return first_appearance_by_level(self.slogan_mentions, self.documents)

    # -- topics ------------------------------------------------------------------------------
    @property
    def topic_settings(self) -> dict[str, Any]:
        """Arguments of :func:`analysis.topics.run_topic_analysis`: the master seed plus
        ``options.topics`` (the topic stage's own defaults for everything else)."""
        return {"seed": self.seed, **self.options.topics}

    @result
    def topic_units(self) -> pd.Series:
        """Tokens per paragraph for topic models (report- and genre-generic words removed, no
        titles)."""
        return topic_units(
            self.paragraphs,
            tokenizer_backend=self.options.tokenizer_backend,
            options=self.tokenizer_options(
                remove_generic=True, extra_generic=self.genre_generic_words
            ),
            executor=self.executor,
            force=self.force,
        )

    def _topic_pruning(self) -> dict[str, Any]:
        """The vocabulary pruning of the topic settings (build_bow's defaults unless set)."""
        return {k: self.topic_settings[k] for k in ("min_df", "max_df") if k in self.topic_settings}

    @result
    def topic_bow(self) -> Bow:
        """The bag of words of the topic units (pruned by the topic settings' ``min_df`` /
        ``max_df``), built once: :attr:`topic_analysis` checks it and fits on it; not
        applicable when the pruning leaves nothing (the reason says why)."""
        try:
            return build_bow(self.topic_units, **self._topic_pruning())
        except ValueError as exc:  # the reason in topic_applicability's words
            reason = topic_applicability(self.topic_units, **self._topic_pruning())
            raise NotApplicable(f"topic models: {reason or exc}") from exc

    @result
    def topic_analysis(self) -> dict[str, Any]:
        """Everything :func:`analysis.topics.run_topic_analysis` returns, through its own
        content-keyed cache (units, paragraphs, themes, settings, code, libraries), fitted on
        :attr:`topic_bow`; not applicable when the corpus is too degenerate for a topic model
        (the reason says why)."""
        ks = {"ks": self.topic_settings["ks"]} if "ks" in self.topic_settings else {}
        reason = topic_applicability(self.topic_bow, **self._topic_pruning(), **ks)
        if reason:
            raise NotApplicable(f"topic models: {reason}")
        return run_topic_analysis(
            self.topic_units,
            self.paragraphs,
            bow=self.topic_bow,
            themes=self.themes,
            cache=True,
            force=self.force,
            **self.topic_settings,
        )

    @result
    def topics(self) -> pd.DataFrame:
        """``topics.csv``: top terms of every topic of the final and seeded models."""
        return self.topic_analysis["topics"]

    @result
    def k_selection(self) -> pd.DataFrame:
        """The K sweep: backend, k, seed, npmi, c_v, u_mass, perplexity, diversity."""
        return self.topic_analysis["topic_k_selection"]

    @result
    def topic_choice(self) -> pd.DataFrame:
        """``topic_choice.csv``: the chosen K, its rule, and whether the best K lies at an edge
        of the searched range (``k_searched, k_extended, k_edge, k_note``)."""
        return self.topic_analysis["topic_choice"]

    @result
    def chosen_k(self) -> int:
        """The number of topics chosen by the one-standard-error rule."""
        return int(self.topic_analysis["chosen_k"])

    @result
    def topic_model(self):
        """The reported model (TopicResult): chosen K, master seed, all paragraph units."""
        return self.topic_analysis["model"]

    @result
    def topic_terms(self) -> pd.DataFrame:
        """Rows of ``topics.csv`` for the reported model (ranked by relevance, λ = 0.6)."""
        t = self.topics
        return t[t["model"] == self.topic_model.name].reset_index(drop=True)

    @result
    def doc_topics(self) -> pd.DataFrame:
        """Rows of ``doc_topics.csv`` for the reported model (model, doc_id, topic, weight)."""
        d = self.topic_analysis["doc_topics"]
        return d[d["model"] == self.topic_model.name].reset_index(drop=True)

    @result
    def topic_stability(self) -> pd.DataFrame:
        """``topic_stability.csv``: per topic, mean and minimum matched cosine over re-fits."""
        return self.topic_analysis["topic_stability"]

    @result
    def seeded_report(self) -> pd.DataFrame:
        """``seeded_topic_report`` of the seeded model (seed_mass, share_top_seed, new_terms …)."""
        report = self.topic_analysis["seeded_topics"]
        if report is None or report.empty:
            raise StageUnavailable("no seeded model (themes.yaml has no usable theme)")
        return report

    @result
    def seeded_model(self):
        """Seeded LDA (TopicResult): one topic per theme of ``themes.yaml`` plus free topics."""
        model = self.topic_analysis["seeded_model"]
        if model is None:
            raise StageUnavailable("no seeded model (themes.yaml has no usable theme)")
        return model

    # -- inference and validation ------------------------------------------------------------
    @result
    def effect_covariates(self) -> list[str]:
        """Metadata columns usable as covariates: ``year`` and ``level`` when at least two
        analysed documents differ in them (not applicable otherwise)."""
        # Only the manifest's level, deliberately NOT the level inferred from the text that the
        # descriptive by-level outputs fall back to (timeseries.documents_with_level): here level
        # enters a joint regression with year, so an inferred level would silently drop every
        # report naming no place (not at random) from the year effect as well, and put an
        # unvalidated, possibly wrong covariate into clustered-error estimates (theme_effects
        # and topic_effects alike). A researcher who trusts place_level can copy it into
        # manifest.csv's level column.
        docs = self.analysed_documents
        found = [
            c
            for c in ("year", "level")
            if c in docs
            and docs[c].dropna().astype(str).str.strip().replace("", None).nunique() >= 2
        ]
        if not found:
            raise NotApplicable(
                "no document metadata to regress on (add year/level to manifest.csv)"
            )
        return found

    def _cluster(self) -> str | None:
        docs = self.analysed_documents
        return "region" if "region" in docs and docs["region"].notna().any() else None

    @result
    def theme_effects(self) -> pd.DataFrame:
        """``theme_effects.csv``: theme rates (hits per 1,000 tokens) regressed on year and level,
        errors clustered by region (:func:`analysis.measures.effects.estimate_effects`)."""
        return estimate_effects(
            theme_outcomes(self.theme_scores),
            self.analysed_documents,
            covariates=self.effect_covariates,
            cluster=self._cluster(),
            seed=self.seed,
        )

    @result
    def topic_effects(self) -> pd.DataFrame:
        """``topic_effects.csv``: topic shares of the reported model regressed on year and level,
        with topic-model uncertainty by the method of composition (20 posterior draws);
        outcomes are named ``"<topic> <readable label>"`` as in ``topics.csv``."""
        from analysis.topics.result import readable_labels

        model = self.topic_model
        names = [f"{i} {name}" for i, name in enumerate(readable_labels(model))]
        draws = topic_outcome_draws(model, n_draws=20, seed=self.seed, labels=names)
        out = estimate_effects(
            draws,
            self.analysed_documents,
            covariates=self.effect_covariates,
            cluster=self._cluster(),
            seed=self.seed,
        )
        # say which uncertainty is carried: within-model posterior draws, not seed-to-seed
        # refits (an.topic_outcome_draws(model, refits=[…]) adds those; README, notebook 07)
        out["method"] = out["method"].replace({"composition": "composition (20 posterior draws)"})
        return out

    @result
    def group_comparison(self) -> pd.DataFrame:
        """``group_comparison.csv``: theme rates between the levels (and regions) of the
        documents, permutation test with BH q (:func:`analysis.measures.groups.compare_groups`).
        The level is the manifest's, else the one inferred from the text (``place_level``;
        :func:`analysis.measures.timeseries.documents_with_level`): ``level_source`` says which
        and ``n_docs_without_level`` how many reports had none (both empty on region rows)."""
        docs = self.analysed_documents
        # the level as in theme_prevalence_by_level: the manifest's, else inferred from the text
        leveled, source, n_without = documents_with_level(docs)
        has_region = "region" in docs and docs["region"].notna().any()
        if leveled is None and not has_region:
            raise NotApplicable(
                "no level or region column (add one to manifest.csv) and no level inferred "
                "from the text (place_level)"
            )
        outcomes = theme_outcomes(self.theme_scores)
        parts = []
        if leveled is not None:
            by_level = compare_groups(outcomes, leveled, "level", seed=self.seed)
            parts.append(by_level.assign(level_source=source, n_docs_without_level=n_without))
        if has_region:
            by_region = compare_groups(outcomes, docs, "region", seed=self.seed)
            parts.append(by_region.assign(level_source="", n_docs_without_level=pd.NA))
        out = pd.concat(parts, ignore_index=True)
        out["n_docs_without_level"] = out["n_docs_without_level"].astype("Int64")
        return out

    @result
    def cooccurrence_terms(self) -> pd.DataFrame:
        """``cooccurrence_terms.csv``: term pairs within paragraphs (200 most widespread terms,
        generic words removed): count, n_a, n_b, NPMI, Jaccard."""
        n_units = len(self.topic_units)
        return term_cooccurrence(
            self.topic_units, top_n=200, min_count=max(3, n_units // 2000), min_df=3
        )

    @result
    def cooccurrence_themes(self) -> pd.DataFrame:
        """``cooccurrence_themes.csv``: theme pairs within paragraphs."""
        hits = theme_hits(self.paragraphs, self.themes)
        return theme_cooccurrence(hits, self.paragraphs)

    @result
    def coding_sheets(self) -> dict[str, pd.DataFrame]:
        """Coding sheets for human validation: ``theme_coding`` (per theme 20 assigned and 20
        unassigned paragraphs, with sampling weights), ``slogan_coding`` (50 slogan candidates)
        and ``intrusion_coding`` (word-intrusion items of the reported topic model, when there
        is one)."""
        sheets = {
            "theme_coding": theme_coding_sheet(
                self.paragraphs, self.paragraph_themes, self.documents, seed=self.seed
            ),
            "slogan_coding": slogan_coding_sheet(self.slogans, seed=self.seed),
        }
        try:
            items = word_intrusion(self.topic_model, seed=self.seed)
            sheets["intrusion_coding"] = intrusion_coding_sheet(items)
        except StageUnavailable as exc:
            log.info("intrusion coding sheet: %s", exc)
        return sheets

    @result
    def word_vectors(self) -> pd.DataFrame:
        """word2vec vectors trained on the topic units (skip-gram, one worker, seeded, cached);
        epochs scale down on large corpora (≈ 20 M token passes at most)."""
        n_tokens = int(sum(len(t) for t in self.topic_units))
        if n_tokens < MIN_WORD2VEC_TOKENS:
            raise NotApplicable(
                f"{n_tokens:,} tokens: too few for word vectors (needs {MIN_WORD2VEC_TOKENS:,})"
            )
        epochs = int(min(10, max(1, 20_000_000 // max(1, n_tokens))))
        return train_word2vec(self.topic_units, seed=self.seed, epochs=epochs, force=self.force)

    @result
    def lexicon_suggestions(self) -> pd.DataFrame:
        """``lexicon_suggestions.csv``: per theme, the 15 corpus terms closest to its lexicon
        (word2vec), with similarity, frequency, document frequency and a KWIC example."""
        vectors = self.word_vectors
        if vectors.empty:
            raise NotApplicable("no term frequent enough to train word vectors")
        lexicon = set(self.themes["term"])
        parts = []
        for theme, terms in self.themes.groupby("theme", sort=False)["term"]:
            s = similar_terms(
                vectors,
                list(terms),
                topn=15,
                units=self.topic_units,
                paragraphs=self.paragraphs,
                lexicon=lexicon,
            )
            parts.append(s.assign(theme=theme))
        out = pd.concat(parts, ignore_index=True)
        return out[["theme", *[c for c in out.columns if c != "theme"]]]
