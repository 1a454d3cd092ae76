"""Built-in components. Importing this package registers them."""

from ecoute.pipeline.components import date, language, sentences  # noqa: F401
