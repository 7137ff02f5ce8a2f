"""The flat public API: every advertised verb resolves, and importing is side-effect free."""

from __future__ import annotations

import subprocess
import sys

import analysis as an


def test_every_public_name_resolves():
    missing = [name for name in an.__all__ if not hasattr(an, name)]
    assert missing == []


def test_import_is_light():
    """`import analysis` must not import the heavy stage libraries (no work at import time)."""
    code = "import sys, analysis; print(sorted(m for m in ('jieba', 'gensim', 'tomotopy', 'matplotlib', 'opencc') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
