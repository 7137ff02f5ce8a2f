"""Property tests for the probability and matrix code of the topic and keyword modules."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.measures.keywords import keyness
from analysis.topics.coherence import fold_in
from analysis.topics.stability import align_topics

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True)


@SETTINGS
@given(k=st.integers(2, 6), v=st.integers(3, 30), n=st.integers(1, 8), seed=st.integers(0, 10**6))
def test_fold_in_gives_distributions(k, v, n, seed):
    rng = np.random.default_rng(seed)
    phi = rng.dirichlet(np.full(v, 0.3), size=k)
    counts = rng.poisson(1.0, size=(n, v))
    counts[:, 0] += 1  # no empty unit
    theta = fold_in(phi, counts, alpha=0.1, iterations=30)
    assert theta.shape == (n, k) and (theta >= 0).all()
    np.testing.assert_allclose(theta.sum(axis=1), 1.0)


@SETTINGS
@given(k=st.integers(2, 9), seed=st.integers(0, 10**6))
def test_alignment_inverts_any_permutation(k, seed):
    rng = np.random.default_rng(seed)
    ref = rng.dirichlet(np.full(40, 0.05), size=k)
    perm = rng.permutation(k)
    match, sim = align_topics(ref, ref[perm])
    np.testing.assert_array_equal(perm[match], np.arange(k))
    np.testing.assert_allclose(sim, 1.0)


@SETTINGS
@given(
    a=st.lists(st.sampled_from(["党建", "项目", "道路", "农业"]), min_size=1, max_size=30),
    b=st.lists(st.sampled_from(["党建", "项目", "道路", "农业"]), min_size=1, max_size=30),
)
def test_keyness_is_antisymmetric(a, b):
    units = pd.Series({"x#0": a, "y#0": b})
    ab = keyness(units, ["x"], min_freq=1).set_index("term")
    ba = keyness(units, ["y"], min_freq=1).set_index("term")
    assert (ab["g2"] >= -1e-9).all() and ((ab["p"] >= 0) & (ab["p"] <= 1)).all()
    np.testing.assert_allclose(ab["g2"], ba.loc[ab.index, "g2"], atol=1e-9)
    np.testing.assert_allclose(ab["log_ratio"], -ba.loc[ab.index, "log_ratio"], atol=1e-9)
    assert (ab["freq_target"] == ba.loc[ab.index, "freq_ref"]).all()


def _fold_in_rebuilding_ratio(topic_word, counts, *, alpha, iterations):
    """fold_in as it was: the sparse ratio matrix built again in every iteration."""
    from scipy import sparse

    counts = sparse.csr_matrix(counts, dtype=np.float64)
    n, k = counts.shape[0], topic_word.shape[0]
    phi = np.maximum(topic_word, 1e-300)
    theta = np.full((n, k), 1.0 / k)
    rows, cols = counts.nonzero()
    vals = np.asarray(counts[rows, cols]).ravel()
    for _ in range(iterations):
        denom = np.einsum("ik,ki->i", theta[rows], phi[:, cols])
        ratio = sparse.csr_matrix((vals / denom, (rows, cols)), shape=counts.shape)
        theta = theta * (ratio @ phi.T) + alpha
        theta /= theta.sum(axis=1, keepdims=True)
    return theta


@SETTINGS
@given(
    k=st.integers(2, 8),
    v=st.integers(2, 60),
    n=st.integers(1, 12),
    seed=st.integers(0, 10**6),
    layout=st.sampled_from(["csr", "coo", "csr-unsorted"]),
)
def test_fold_in_reusing_the_ratio_pattern_is_exact(k, v, n, seed, layout):
    """The ratio matrix taken from the counts' own CSR pattern (values replaced per
    iteration) gives bit-identical θ, also for unsorted COO input with duplicate entries, for
    CSR input with unsorted column indices and stored zeros (left unchanged), and for zero
    topic-term columns."""
    from scipy import sparse

    rng = np.random.default_rng(seed)
    phi = rng.dirichlet(np.full(v, 0.2), size=k)
    phi[:, rng.integers(0, v)] = 0.0
    dense = rng.poisson(0.6, size=(n, v)).astype(float)
    dense[:, 0] += 1  # no empty matrix (fold_in needs one count)
    counts = sparse.csr_matrix(dense)
    if layout == "coo":
        r, c = np.nonzero(dense)
        perm = rng.permutation(r.size)
        rr, cc = np.r_[r[perm], r], np.r_[c[perm], c]
        counts = sparse.coo_matrix((np.ones(rr.size), (rr, cc)), shape=(n, v))
    elif layout == "csr-unsorted":  # each row's entries reversed, plus a stored zero
        data, indices = [], []
        indptr = [0]
        for row in counts:
            data += [*row.data[::-1].tolist(), 0.0]
            indices += [*row.indices[::-1].tolist(), int(np.flatnonzero(dense[0] == 0)[:1].sum())]
            indptr.append(len(data))
        counts = sparse.csr_matrix((data, indices, indptr), shape=(n, v))
        counts.has_sorted_indices = False
    before = counts.copy()
    expected = _fold_in_rebuilding_ratio(phi, counts, alpha=0.1, iterations=25)
    np.testing.assert_array_equal(fold_in(phi, counts, alpha=0.1, iterations=25), expected)
    if layout == "csr-unsorted":  # the caller's matrix is not canonicalised in place
        assert counts.indices.tolist() == before.indices.tolist()
        assert counts.data.tolist() == before.data.tolist()
