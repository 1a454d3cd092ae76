"""Batch mode: analyse a large input into Parquet records, on local cores or on Spark.

``ecoute batch INPUT OUTPUT`` reads CSV, JSON Lines or Parquet (a file or a
folder of parts), runs the same pipeline as every other entry point, and
writes one Parquet row per testimony plus the rejections and duplicates
(see docs/cli/batch.md). The modules:

* :mod:`~ecoute.batch.reader` — inputs, files or folders of parts;
* :mod:`~ecoute.batch.parts` — the unit of work and of resumption: a part;
* :mod:`~ecoute.batch.writer` — the Parquet schema and atomic files;
* :mod:`~ecoute.batch.local` and :mod:`~ecoute.batch.spark` — the engines;
* :mod:`~ecoute.batch.job` — the whole run, engine-independent;
* :mod:`~ecoute.batch.load` — the optional bulk load into the store.
"""
