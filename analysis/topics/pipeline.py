"""One call for the figures pipeline: K sweep, final model, stability, seeded topics, tables.

    >>> from analysis.topics import run_topic_analysis, topic_units
    >>> units = topic_units(paragraphs)                 # generic report words removed
    >>> out = run_topic_analysis(units, paragraphs, seed=20240601, themes=load_themes())
    >>> out["topics"].head()                            # -> figures/tables/topics.csv

Defaults are sized for ``data/raw`` (about a hundred paragraph units): tomotopy, K = 3…10,
three seeds for the sweep, whose fits at the chosen K also give the stability scores (no extra
refits); about 6 s on one core. Each step's CPU seconds are logged (:data:`CPU_LOG_PREFIX`).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analysis import hashing
from analysis.options import DEFAULT_SEED
from analysis.text.tokens import TokenizerOptions, tokenize, unit_tokens

from .backends import BACKEND_SPECS, DEFAULT_BACKEND, fit_topics
from .bow import Bow, TokenLists, build_bow
from .coherence import topic_metrics
from .html import topic_html
from .interpret import representative_units, word_intrusion
from .result import doc_topics, result_from_frame, result_to_frame, topic_table
from .seeded import Themes, fit_seeded_topics, seeded_topic_report, theme_terms
from .select import K_EXTEND_STEPS, RULE, choose_k, extend_ks, k_edge, k_summary, select_k
from .stability import stability_from_results

if TYPE_CHECKING:  # pragma: no cover
    from analysis.scale.parallel import Executor

log = logging.getLogger(__name__)
#: the per-step CPU line has its own logger, so it stays visible when a caller quiets this module
cpu_log = logging.getLogger(f"{__name__}.cpu")

SMALL_KS = range(3, 11)  # a few hundred paragraphs: K is weakly identified above ~10
LARGE_KS = (10, 15, 20, 25, 30)  # tens of thousands of paragraphs
MAX_SWEEP_UNITS = 10_000  # above this many units the corpus is "large" (see _run_topic_analysis)
MIN_TOPIC_UNITS = 20  # fewer paragraphs with kept terms: K cannot be chosen (3…10, 10 % held out)
MIN_TOPIC_TERMS = 20  # fewer vocabulary terms after pruning: topics cannot differ


def topic_applicability(
    units: pd.Series | Mapping[str, Sequence[str]] | Bow,
    *,
    min_df: float = 2,
    max_df: float = 0.5,
    ks: Iterable[int] | None = None,
) -> str:
    """Why topic models cannot be fitted to ``units`` ("" when they can).

    A degenerate corpus — one enormous document in one or two paragraphs, a handful of short
    reports — leaves too few units or terms after the vocabulary pruning for a K sweep; its
    topic outputs are "not applicable (reason)" rather than a library error.

    ``units`` may be their bag of words already built with ``min_df``/``max_df``
    (:func:`~analysis.topics.bow.build_bow`), which is then checked, not built again:
    :class:`analysis.Study` builds it once and passes the same :class:`Bow` on to
    :func:`run_topic_analysis` (``bow=``).
    """
    if isinstance(units, Bow):
        bow = _checked_pruning(units, min_df, max_df)
    else:
        try:
            bow = build_bow(units, min_df=min_df, max_df=max_df)
        except ValueError as exc:
            n = len(units)
            return f"{exc} ({n} paragraph unit(s); topic models need many paragraphs)"
    n_units, n_terms = len(bow.unit_ids), len(bow.vocab)
    need_units = max(MIN_TOPIC_UNITS, 2 * max(ks or SMALL_KS))
    if n_units < need_units:
        return (
            f"only {n_units} paragraph(s) keep terms after pruning (min_df={min_df}, "
            f"max_df={max_df}); a K sweep needs at least {need_units}"
        )
    if n_terms < MIN_TOPIC_TERMS:
        return (
            f"only {n_terms} term(s) occur in {min_df}+ paragraphs and at most "
            f"{max_df} of them; topic models need at least {MIN_TOPIC_TERMS}"
        )
    return ""


def _checked_pruning(bow: Bow, min_df: float, max_df: float) -> Bow:
    if (bow.min_df, bow.max_df) != (min_df, max_df):
        raise ValueError(
            f"the bag of words was pruned with min_df={bow.min_df}, max_df={bow.max_df}; "
            f"the topic options say min_df={min_df}, max_df={max_df}"
        )
    if bow.max_terms is not None or bow.keep_terms:  # the stage's vocabulary is never capped
        raise ValueError(
            f"the bag of words was built with max_terms={bow.max_terms}, "
            f"keep_terms={list(bow.keep_terms)}; the topic stage uses neither"
        )
    return bow


def _check_bow(
    bow: Bow, units: pd.Series | Mapping[str, Sequence[str]], *, min_df: float, max_df: float
) -> None:
    """Refuse a prebuilt ``bow`` that is visibly not ``build_bow(units, min_df, max_df)``: other
    pruning, other unit ids (kept and dropped, in order) or another number of tokens in the
    kept units. Linear in the number of units, not tokens."""
    _checked_pruning(bow, min_df, max_df)
    s = units if isinstance(units, pd.Series) else pd.Series(dict(units), dtype=object)
    ids = s.index.map(str)
    dropped = set(bow.dropped)
    kept = ~ids.isin(dropped) if dropped else np.ones(len(ids), dtype=bool)
    same_ids = len(dropped) == len(bow.dropped) and ids[kept].tolist() == list(bow.unit_ids)
    if same_ids and len(ids) == len(bow.unit_ids) + len(dropped):
        raw = bow.raw_texts
        n_raw = int(raw.offsets[-1]) if isinstance(raw, TokenLists) else sum(map(len, raw))
        if sum(map(len, s[kept].tolist())) == n_raw:
            return
    raise ValueError("bow is not the bag of words of these units (build_bow(units, ...))")


def topic_units(
    paragraphs: pd.DataFrame,
    *,
    unit: str = "paragraph",
    include_titles: bool = False,
    tokenizer_backend: str = "fast",
    options: TokenizerOptions | None = None,
    executor: Executor | None = None,
    force: bool = False,
    extra_generic: Sequence[str] = (),
) -> pd.Series:
    """Tokens per unit for topic models: the project tokenizer with report-generic words
    (工作, 进一步 … from ``generic_words.txt``) and ``extra_generic`` (a genre's generic words,
    :func:`analysis.corpus.genre.genre_generic_words`) removed, titles left out.

    Args:
        paragraphs: paragraphs per the corpus contract.
        unit: ``"paragraph"`` or ``"document"``.
        include_titles: keep title paragraphs.
        tokenizer_backend: ``"fast"`` or ``"jieba"``.
        options: tokenizer options (default ``TokenizerOptions(remove_generic=True)``, the
            files of ``data/lexicons``); :class:`analysis.Study` passes its lexicon folder's.
        executor: where tokenization runs (see :func:`analysis.text.tokens.tokenize`).
        force: recompute the token cache entry.
        extra_generic: further generic words (added to ``options.extra_generic``).

    Returns:
        ``pd.Series`` of ``list[str]`` indexed by unit id (see ``unit_tokens``).
    """
    paras = paragraphs if include_titles else paragraphs[paragraphs["kind"] != "title"]
    opts = options if options is not None else TokenizerOptions(remove_generic=True)
    if extra_generic:
        merged = tuple(dict.fromkeys((*opts.extra_generic, *extra_generic)))
        opts = dataclasses.replace(opts, extra_generic=merged)
    tokens = tokenize(
        paras,
        backend=tokenizer_backend,
        options=opts,
        executor=executor,
        force=force,
    )
    return unit_tokens(tokens, unit)


def _run_topic_analysis(
    units: pd.Series | Mapping[str, Sequence[str]],
    paragraphs: pd.DataFrame | None = None,
    *,
    seed: int = DEFAULT_SEED,
    ks: Iterable[int] | None = None,
    n_seeds: int = 3,
    n_stability: int | None = None,
    stability: str = "sweep",
    max_sweep_units: int = MAX_SWEEP_UNITS,
    backend: str = DEFAULT_BACKEND,
    compare_backends: Sequence[str] = (),
    themes: Themes | None = None,
    n_free: int = 3,
    min_df: float = 2,
    max_df: float = 0.5,
    n_terms: int = 15,
    n_examples: int = 3,
    paragraph_themes: pd.DataFrame | None = None,
    extend_k: bool = True,
    bow: Bow | None = None,
    **params,
) -> dict[str, Any]:
    """The uncached analysis behind :func:`run_topic_analysis`.

    Steps: (1) one shared bag of words (``bow`` when the caller built it); (2) :func:`select_k` over ``ks`` with seeds
    ``seed … seed+n_seeds-1`` (10 % of units held out for perplexity) for ``backend`` and any
    ``compare_backends``; (3) K by :func:`choose_k` (one-standard-error rule on NPMI);
    (4) the final model: all units, ``seed``; (5) stability of the final model's topics against
    other runs (see ``stability``); (6) seeded topics when ``themes`` is given.

    **Stability runs.** ``stability="sweep"`` (default) compares the final model with the K
    sweep's own fits at the chosen K (seeds ``seed … seed+n_seeds-1``, each fitted on 90 % of
    the sweep's units), so stability costs no extra fit: a topic scores high when it comes back
    under another seed *and* another subsample of paragraphs (the subsampling design of Greene
    et al. 2014). ``stability="refit"`` refits the chosen K on all units with seeds
    ``seed+1 … seed+n_stability-1`` (seed variation only; the rule before issue 14).
    ``topic_choice.stability_runs`` and ``topic_stability.stability_runs`` say which runs
    were compared.

    **K at the edge.** When the K with the best mean NPMI is the largest K searched (or the
    smallest; never below K = 2), the metric may keep improving outside the range: with ``extend_k`` the
    sweep continues one K at a time along the range's own step, at most
    :data:`~analysis.topics.select.K_EXTEND_STEPS` further values (the cap), until the best K is
    inside the range. If it is still at the edge (capped, or ``extend_k=False``), the choice is
    kept but flagged: ``topic_choice`` says so (``k_edge``, ``k_note``), the K-selection figure
    shows the note and the log warns.

    Args:
        units: tokens per unit (see :func:`topic_units`).
        paragraphs: corpus paragraphs (``text_original``) for ``topic_examples``; optional.
        seed: master seed; every random step derives from it.
        ks: candidate numbers of topics (default 3…10; 10, 15 … 30 for a large corpus).
        extend_k: extend the sweep beyond an edge (see above).
        n_seeds: seeds per K in the sweep.
        n_stability: ``stability="refit"`` only: runs (final model included) for the stability
            table (default 5; 3 for a large corpus).
        stability: ``"sweep"`` (reuse the K sweep's fits at the chosen K) or ``"refit"``.
        max_sweep_units: a corpus with more units than this is *large*: the K sweep runs on a
            seeded sample of this many units (same vocabulary), the final, stability and seeded
            models on all units with the backend's ``large_iterations`` (its spec in :mod:`analysis.topics.engines`) unless ``iterations`` is
            given — as a maximum, with the spec's ``large_convergence`` stopping rule unless
            ``convergence`` is given (``topic_choice`` records ``stopping`` and
            ``iterations_run`` of the final model) and with ``alpha`` kept symmetric and fixed
            (the spec's ``large_learn_alpha``) unless ``learn_alpha`` is given — and their c_v is computed on the sample (c_v's 110-token windows over
            millions of tokens cost more than the fit). ``topic_choice`` records ``n_units_sweep``.
        backend: backend of the final model and of the K choice.
        compare_backends: further backends swept side by side (reported, not used to choose).
        themes: theme lexicons (``{theme: [terms]}`` or ``load_themes()``) for seeded topics.
        n_free: free topics beside the seeded ones.
        min_df, max_df: vocabulary pruning (see :func:`~analysis.topics.bow.build_bow`).
        n_terms: terms per topic in ``topics``.
        n_examples: representative paragraphs per topic.
        paragraph_themes: optional ``analysis.measures.themes.paragraph_themes`` output; adds
            paragraph-level agreement of seeded topics and lexicon themes to ``seeded_topics``.
        bow: the bag of words of ``units``, ``build_bow(units, min_df=min_df, max_df=max_df)``,
            when the caller already has it (:class:`analysis.Study` builds it once for
            :func:`topic_applicability` and this); None builds it here. A bag of words with
            other pruning, ``max_terms``/``keep_terms``, other units or another number of
            tokens is refused (ValueError).
        **params: passed to :func:`~analysis.topics.fit_topics` (alpha, eta, iterations …).

    Returns:
        dict with DataFrames ``topic_k_selection`` (→ topic_k_selection.csv), ``k_summary``,
        ``topic_choice`` [backend, k, rule, seed, sweep_npmi_mean, sweep_npmi_se, npmi, c_v,
        mean_stability, n_units, n_terms, n_units_sweep] (``sweep_npmi_*``: the chosen K in the
        sweep, mean and standard error across seeds, fitted with 10 % of units held out — what
        the rule used; ``npmi``, ``c_v``: the final model, refitted on all units), ``topics`` (→ topics.csv; final and seeded models), ``doc_topics``
        (→ doc_topics.csv), ``topic_stability`` (→ topic_stability.csv; per topic of the final
        model: stability across seeds plus prevalence, npmi, c_v, u_mass), ``topic_examples``
        (→ topic_examples.csv, empty without ``paragraphs``), ``seeded_topics`` (empty without
        ``themes``); the :class:`TopicResult` objects ``model`` and ``seeded_model`` (None
        without themes); ``topics_html`` (str, → topics.html); ``chosen_k`` (int);
        ``topic_intrusion`` (word-intrusion items for human validation, answer key included).
    """
    cpu = _StageClock()
    if bow is None:
        bow = build_bow(units, min_df=min_df, max_df=max_df)
    else:
        _check_bow(bow, units, min_df=min_df, max_df=max_df)
    large = len(bow.unit_ids) > max_sweep_units
    ks = ks if ks is not None else (LARGE_KS if large else SMALL_KS)
    n_stability = n_stability if n_stability is not None else (3 if large else 5)
    if stability not in STABILITY_RUNS:
        raise ValueError(f"stability must be one of {STABILITY_RUNS}, got {stability!r}")
    full_measures: tuple[str, ...] = ("npmi", "c_v", "u_mass", "diversity")
    sweep_bow = bow
    if large:
        params.setdefault("iterations", BACKEND_SPECS[backend].large_iterations)
        params.setdefault("convergence", BACKEND_SPECS[backend].large_convergence)
        params.setdefault("learn_alpha", BACKEND_SPECS[backend].large_learn_alpha)
        rows = np.random.default_rng(seed).choice(len(bow.unit_ids), max_sweep_units, replace=False)
        sweep_bow = bow.subset(np.sort(rows))
        full_measures = ("npmi", "u_mass", "diversity")
        log.info(
            "large corpus (%d units): K sweep on a seeded sample of %d",
            len(bow.unit_ids),
            max_sweep_units,
        )
    seeds_all = [seed + i for i in range(max(n_seeds, n_stability))]
    backends = [backend, *[b for b in compare_backends if b != backend]]
    sweep_seeds = seeds_all[:n_seeds]
    sweep, fits = select_k(
        sweep_bow, ks=ks, seeds=sweep_seeds, backends=backends, return_fits=True, **params
    )
    searched = sorted(int(k) for k in ks)
    edge, added = k_edge(sweep, backend=backend), []
    extra = extend_ks(searched, edge) if extend_k else []
    for k_more in extra:
        more, more_fits = select_k(
            sweep_bow, ks=[k_more], seeds=sweep_seeds, backends=backends, return_fits=True,
            **params,
        )  # fmt: skip
        fits.update(more_fits)
        sweep = pd.concat([sweep, more], ignore_index=True).sort_values(
            ["backend", "k", "seed"], ignore_index=True
        )
        added.append(k_more)
        edge = k_edge(sweep, backend=backend)
        if edge == "" or (edge == "upper") != (k_more > searched[-1]):
            break
    cpu.lap("k_sweep")
    k = choose_k(sweep, backend=backend)
    note = k_edge_note(searched, added, edge, extend_k=extend_k)
    if note:
        log.warning("K selection: %s", note)
    log.info("chosen K = %d (%s)", k, RULE)
    model = fit_topics(bow, k=k, backend=backend, seed=seed, measures=full_measures, **params)
    if large:
        c_v = topic_metrics(model.topic_word, sweep_bow, measures=("c_v",))
        model.metrics.update({key: v for key, v in c_v.items() if key.startswith("c_v")})
    cpu.lap("final")
    if stability == "sweep":
        refits = [fits[(backend, k, s)] for s in sweep_seeds]
        share = f"{round(100 * (1 - SWEEP_HOLDOUT))} % of " + (
            f"a {len(sweep_bow.unit_ids):,}-unit sample" if large else "the units"
        )
        runs_note = (
            f"{len(refits)} K-sweep fit(s) at K = {k} (seeds {_seed_range(sweep_seeds)}, each on "
            f"{share}) vs the final model (seed {seed}, all units)"
        )
    else:
        refits = [
            fit_topics(bow, k=k, backend=backend, seed=s, measures=(), **params)
            for s in seeds_all[1:n_stability]
        ]
        runs_note = (
            f"{len(refits)} refit(s) at K = {k} on all units (seeds "
            f"{_seed_range(seeds_all[1:n_stability])}) vs the final model (seed {seed})"
        )
    del fits  # the other sweep fits are no longer needed
    if not refits:
        runs_note = "not applicable (no other run to compare with)"
    stab = stability_from_results([model, *refits]) if refits else pd.DataFrame()
    if len(stab):  # per-topic quality beside stability: one row per topic to read
        stab["prevalence"] = model.prevalence()
        for m in ("npmi", "c_v", "u_mass"):
            if f"{m}_per_topic" in model.metrics:
                stab[m] = model.metrics[f"{m}_per_topic"]
        stab["stability_runs"] = runs_note
    cpu.lap("stability")
    seeded = None
    seeded_table = pd.DataFrame()
    if themes is not None and len(theme_terms(themes)):
        # its own bag of words: the same pruning, plus every seed term found in the units
        seeded = fit_seeded_topics(
            units, themes, n_free=n_free, seed=seed, backend=backend, min_df=min_df,
            max_df=max_df, measures=full_measures, **params,
        )  # fmt: skip
        seeded_table = seeded_topic_report(seeded, themes, paragraph_themes=paragraph_themes)
    cpu.lap("seeded")
    models = [m for m in (model, seeded) if m is not None]
    examples = (
        pd.concat([representative_units(m, paragraphs, n=n_examples) for m in models],
                  ignore_index=True)
        if paragraphs is not None else pd.DataFrame()
    )  # fmt: skip
    # the sweep fits on 90 % of the units (10 % held out for perplexity); the final model on
    # all of them, so its NPMI differs from the sweep's row for the same K and seed: both shown
    summary = k_summary(sweep[sweep["backend"] == backend]).set_index("k")
    choice = pd.DataFrame([{
        "backend": backend, "k": k, "rule": RULE, "seed": seed,
        "sweep_npmi_mean": summary.loc[k, "npmi_mean"], "sweep_npmi_se": summary.loc[k, "npmi_se"],
        "npmi": model.metrics.get("npmi"), "c_v": model.metrics.get("c_v"),
        "mean_stability": stab.attrs.get("mean_stability") if len(stab) else None,
        "stability_runs": runs_note,
        "n_units": len(bow.unit_ids), "n_terms": len(bow.vocab),
        "n_units_sweep": len(sweep_bow.unit_ids),
        "k_searched": _k_range(searched), "k_extended": " ".join(map(str, added)),
        "k_edge": edge, "k_note": note,
        "stopping": model.params.get("stopping", ""),
        "iterations_run": model.params.get("iterations_run"),
    }])  # fmt: skip
    model_examples = examples[examples["model"] == model.name] if len(examples) else None
    sweep.attrs.update(chosen_k=k, rule=RULE)  # also after an edge extension (concatenated sweep)
    html = topic_html(model, examples=model_examples)
    cpu.lap("tables")
    cpu_log.info("%s %s", CPU_LOG_PREFIX, cpu.summary())
    return {
        "topic_k_selection": sweep,
        "k_summary": k_summary(sweep),
        "topic_choice": choice,
        "chosen_k": k,
        "model": model,
        "seeded_model": seeded,
        "topics": pd.concat([topic_table(m, n=n_terms) for m in models], ignore_index=True),
        "doc_topics": pd.concat([doc_topics(m) for m in models], ignore_index=True),
        "topic_stability": stab,
        "topic_examples": examples,
        "seeded_topics": seeded_table,
        "topics_html": html,
        "topic_intrusion": word_intrusion(model, seed=seed),
    }


CPU_LOG_PREFIX = "topic stage CPU seconds:"  # parsed by `python -m analysis bench sweep`


class _StageClock:
    """CPU seconds (this process, ``time.process_time``) spent in each named stage."""

    def __init__(self) -> None:
        self.last = time.process_time()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.process_time()
        self.laps[name] = self.laps.get(name, 0.0) + now - self.last
        self.last = now

    def summary(self) -> str:
        return " ".join(f"{name}={sec:.1f}" for name, sec in self.laps.items())


STABILITY_RUNS = ("sweep", "refit")
SWEEP_HOLDOUT = 0.1  # share of the sweep's units held out for perplexity (select_k's default)


def _seed_range(seeds: Sequence[int]) -> str:
    seeds = sorted(int(s) for s in seeds)
    consecutive = seeds == list(range(seeds[0], seeds[-1] + 1)) if seeds else False
    if len(seeds) > 2 and consecutive:
        return f"{seeds[0]}–{seeds[-1]}"
    return ", ".join(map(str, seeds))


def _k_range(ks: Sequence[int]) -> str:
    ks = sorted(ks)
    return f"{ks[0]}–{ks[-1]}" if len(ks) > 1 else str(ks[0]) if ks else ""


def k_edge_note(searched: Sequence[int], added: Sequence[int], edge: str, *, extend_k: bool) -> str:
    """Plain-language note for ``topic_choice.k_note`` (empty when the best K is inside).

    Returns:
        e.g. ``"best K at the upper edge of the searched range 3–10, extended to 13 (cap: 3
        more values): coherence may still improve beyond the range"``.
    """
    if not edge:
        return (
            f"best K inside the range after extending {_k_range(searched)} by "
            f"{', '.join(map(str, added))}"
            if added
            else ""
        )
    where = f"best K at the {edge} edge of the searched range {_k_range(searched)}"
    if added:
        where += (
            f", extended to {_k_range([*searched, *added])} (cap: {K_EXTEND_STEPS} more values)"
        )
    elif not extend_k:
        where += " (not extended: extend_k=False)"
    else:
        where += " (cannot extend below K = 2)"
    direction = "beyond" if edge == "upper" else "below"
    return f"{where}: coherence may still improve {direction} the range"


TOPICS_CACHE_VERSION = "6"
_FRAMES = ("topic_k_selection", "k_summary", "topic_choice", "topics", "doc_topics",
           "topic_stability", "topic_examples", "seeded_topics", "topic_intrusion")  # fmt: skip


def _digest_paragraphs(paragraphs: pd.DataFrame | None) -> str | None:
    if paragraphs is None:
        return None
    col = "text_original" if "text_original" in paragraphs.columns else "text"
    return hashing.rows_digest(
        zip(paragraphs["doc_id"].astype(str), paragraphs["para_id"], paragraphs[col], strict=True)
    )


def _key_value(value: Any) -> Any:
    """An option as a JSON-able cache-key part (ranges and tuples as lists, dataclass options
    such as :class:`~analysis.topics.engines.Convergence` as their fields)."""
    if isinstance(value, range | tuple):
        return list(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"type": type(value).__name__, **dataclasses.asdict(value)}
    return value


def topic_cache_key(units, paragraphs, **options) -> dict[str, object]:
    """Cache key of :func:`run_topic_analysis`: unit tokens, quoted paragraphs, every option,
    the theme terms, the source of the code that computes it (import closure of this module)
    and the library versions (:mod:`analysis.hashing`)."""
    themes = options.pop("themes", None)
    pt = options.pop("paragraph_themes", None)
    opts = {k: _key_value(v) for k, v in options.items()}
    return {
        "stage": "topics",
        "version": TOPICS_CACHE_VERSION,
        "code": hashing.source_digest(__name__),
        "units": hashing.rows_digest(
            (uid, *toks)
            for uid, toks in (
                units.items() if isinstance(units, pd.Series) else dict(units).items()
            )
        ),
        "paragraphs": _digest_paragraphs(paragraphs),
        "themes": theme_terms(themes) if themes is not None else None,
        "paragraph_themes": None if pt is None else hashing.content_hash(pt),
        "options": opts,
        "libraries": hashing.library_versions(),
    }


def run_topic_analysis(
    units: pd.Series | Mapping[str, Sequence[str]],
    paragraphs: pd.DataFrame | None = None,
    *,
    cache: bool = False,
    force: bool = False,
    bow: Bow | None = None,
    **options,
) -> dict[str, Any]:
    """Choose K, fit the final and seeded models and return every topic table.

    Same as :func:`_run_topic_analysis` (see its docstring for the steps, options and the
    returned tables), plus a content-keyed cache: with ``cache=True`` every output is stored in
    :mod:`analysis.cache` (Parquet) under a key made of the unit tokens, the quoted paragraphs,
    all options, the theme terms and the library versions (:func:`topic_cache_key`), and read
    back on the next call with identical inputs. ``force=True`` recomputes and overwrites.
    ``bow``, the bag of words of ``units`` when the caller has built it, is not part of the
    key: it follows from ``units`` and the pruning options, which are.
    """
    from analysis import cache as _cache

    if not cache or os.environ.get("ANALYSIS_NO_CACHE"):
        return _run_topic_analysis(units, paragraphs, bow=bow, **options)
    key = topic_cache_key(units, paragraphs, **options)
    names = [*_FRAMES, "model", "seeded_model", "topics_html"]
    paths = {n: _cache.cache_path({**key, "part": n}, "topics") for n in names}
    if not force and all(p.exists() for p in paths.values()):
        try:
            return _load_cached(paths, key)
        except Exception as exc:  # noqa: BLE001 - a broken entry is recomputed, never trusted
            log.warning("unreadable topic cache (%s); recomputing", exc)
    out = _run_topic_analysis(units, paragraphs, bow=bow, **options)
    frames: dict[str, pd.DataFrame] = {n: out[n] for n in _FRAMES}
    frames["model"] = result_to_frame(out["model"])
    frames["seeded_model"] = (
        result_to_frame(out["seeded_model"]) if out["seeded_model"] is not None
        else pd.DataFrame({"part": pd.Series([], dtype=str)})
    )  # fmt: skip
    frames["topics_html"] = pd.DataFrame({"html": [out["topics_html"]]})
    for n, frame in frames.items():
        _cache.cached_frame({**key, "part": n}, lambda f=frame: f, "topics", force=True)
    # return what a warm call returns (the Parquet round trip), so cold and warm runs give
    # identical values, dtypes and content hashes
    try:
        return _load_cached(paths, key)
    except Exception as exc:  # noqa: BLE001 - e.g. a read-only cache: the entries were not stored
        log.warning("topic cache not readable after storing (%s); using the fitted values", exc)
        return out


def _load_cached(paths: dict, key: dict) -> dict[str, Any]:
    from ..cache import read_entry

    def read(n: str) -> pd.DataFrame:  # verified: an entry stored for another key is refused
        return read_entry({**key, "part": n}, paths[n])

    out: dict[str, Any] = {n: read(n) for n in _FRAMES}
    out["model"] = result_from_frame(read("model"))
    seeded = read("seeded_model")
    out["seeded_model"] = result_from_frame(seeded) if len(seeded) else None
    out["topics_html"] = str(read("topics_html")["html"].iloc[0])
    out["chosen_k"] = int(out["topic_choice"]["k"].iloc[0])
    # DataFrame.attrs do not survive Parquet: restore what the fresh sweep table carries
    out["topic_k_selection"].attrs.update(chosen_k=out["chosen_k"], rule=RULE)
    return out
