"""Built-in components. Importing this package registers them."""

from ecoute.pipeline.components import date, labels, language, pseudonymise, role, sentences, sentiment, tenure  # noqa: F401
