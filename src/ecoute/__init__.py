"""ecoute: the voice of the customer and of the employee, French first."""

__version__ = "0.1.0"
