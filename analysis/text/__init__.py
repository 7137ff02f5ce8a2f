"""Stage 2, text: lexicons and dictionaries (:mod:`~analysis.text.lexicons`), tokenization
(:mod:`~analysis.text.tokens`) and vocabulary statistics (:mod:`~analysis.text.vocab`)."""
