"""Credentials (``credentials``), the per-cloud chains (``providers``, built from
``config_files``, ``assume_role`` and ``metadata``), request signing (``signers``) and
presigned URLs (``presign``)."""
