"""Service models: loading (``loader``), shapes (``shapes``), services and operations
(``service``) and parameter validation (``validate``)."""
