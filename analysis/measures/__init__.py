"""Stage 3, measures on paragraphs and tokens: themes (:mod:`~analysis.measures.themes`), recurring
slogans (:mod:`~analysis.measures.slogans`), keyword-in-context (:mod:`~analysis.measures.concordance`),
keywords and similarity (:mod:`~analysis.measures.keywords`), themes over time
(:mod:`~analysis.measures.timeseries`), text reuse and templates (:mod:`~analysis.measures.reuse`)
and slogan diffusion (:mod:`~analysis.measures.diffusion`)."""
