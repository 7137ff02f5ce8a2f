"""Measures computed from the corpus: text reuse (reuse.py) and slogan diffusion (diffusion.py)."""
