"""Credentials (``credentials``), the per-cloud chains (``providers``), request signing
(``signers``) and presigned URLs (``presign``)."""
