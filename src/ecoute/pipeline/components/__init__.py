"""Built-in components. Every module here is imported, which registers its components."""
