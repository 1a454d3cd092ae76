"""The analysis pipeline: one spine of named, versioned components."""

from ecoute.pipeline.core import Component, Item, Pipeline, component, get_pipeline, registered_components

__all__ = ["Component", "Item", "Pipeline", "component", "get_pipeline", "registered_components"]
