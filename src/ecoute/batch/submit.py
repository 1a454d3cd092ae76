"""Entry script for ``spark-submit``: the same command line as ``ecoute``.

    spark-submit [spark options] $(python -c 'import ecoute.batch.submit as s; print(s.__file__)') \\
        batch INPUT OUTPUT --engine spark

spark-submit needs a ``.py`` file; the ``ecoute`` console script is not one.
See docs/spark.md.
"""

from ecoute.cli.main import main

if __name__ == "__main__":
    main()
