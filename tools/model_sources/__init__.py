"""Sources of the hand-written service models: one module per service, plus the builder.

Each service module has a ``build()`` returning a :class:`~model_sources.builder.ServiceFiles`;
``tools/generate_models.py`` writes them under ``data/``. The JSON in ``data/`` is what
ships; these modules are how it is kept reviewable and regenerated.
"""
