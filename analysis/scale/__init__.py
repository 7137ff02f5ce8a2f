"""Running the stages on large corpora: a local process pool (:mod:`~analysis.scale.parallel`), Dask
(:mod:`~analysis.scale.distributed`) and streaming LDA over Parquet tokens
(:mod:`~analysis.scale.streaming`)."""
