"""AWS Signature Version 4: ``v4`` (:class:`SigV4Signer`) and S3's ``s3v4``
(:class:`S3SigV4Signer`), in the Authorization header or in the query (presigned URLs).

The canonical request is method, canonical path, canonical query (decoded, re-encoded
RFC 3986, sorted), the signed headers (lower-cased, values trimmed with inner whitespace
runs folded to one space), their names, and the payload hash. Every header present is
signed except the hop-by-hop ones and those an intermediary may rewrite (User-Agent,
X-Amzn-Trace-Id). The key is HMAC-SHA256 chained over ``"AWS4" + secret``, the date, the
region, the service and ``aws4_request``; it is the same all day, so it is cached.

Where S3 differs: the path is signed exactly as sent (``v4`` removes dot segments and
empty segments and encodes the path once more); ``X-Amz-Content-SHA256`` is always sent
and is ``UNSIGNED-PAYLOAD`` when ``context.sign_payload`` is False and in presigned URLs.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from time import gmtime
from urllib.parse import quote, urlsplit

from cloudcore.auth.signers.base import (
    SecretLookup,
    SignatureVerificationError,
    SignedRequest,
    Signer,
    SigningContext,
    VerifiedRequest,
)
from cloudcore.auth.signers.checks import (
    authorization_fields,
    check_expiry,
    check_signature,
    check_skew,
    check_token,
    lookup_credentials,
    require,
)
from cloudcore.auth.signers.encoding import (
    UNSIGNABLE_HEADERS,
    canonical_query,
    parse_query,
    percent_encode,
)
from cloudcore.auth.signers.keyed_hash import KeyedHash
from cloudcore.exceptions import SigningError
from cloudcore.http import HTTPHeaders, HTTPRequest

__all__ = [
    "ALGORITHM",
    "DEFAULT_EXPIRES",
    "MAX_EXPIRES",
    "UNSIGNED_PAYLOAD",
    "S3SigV4Signer",
    "SigV4Signer",
    "amz_date",
    "normalize_path",
    "sigv4_signing_key",
]

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
MAX_EXPIRES = 604800  # seven days: the longest a SigV4 presigned URL may live
DEFAULT_EXPIRES = 3600
_NOT_SIGNED = UNSIGNABLE_HEADERS | {"user-agent", "x-amzn-trace-id"}
_QUERY_AUTH = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders")


@lru_cache(maxsize=64)
def sigv4_signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = hmac.new(("AWS4" + secret).encode(), date.encode(), hashlib.sha256).digest()
    for part in (region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


@lru_cache(maxsize=64)
def _keyed_hash(secret: str, date: str, region: str, service: str) -> KeyedHash:
    return KeyedHash(sigv4_signing_key(secret, date, region, service))


@lru_cache(maxsize=64)
def _day_signing(secret: str, date: str, region: str, service: str) -> tuple[str, KeyedHash]:
    """The credential scope and the keyed hash of one day, region and service."""
    return f"{date}/{region}/{service}/aws4_request", _keyed_hash(secret, date, region, service)


# The last second formatted: calls made within the same second share the string.
_last_date: tuple[int, str] = (-1, "")


def amz_date(moment: datetime) -> str:
    """``20150830T123600Z``."""
    global _last_date
    seconds = int(moment.timestamp() // 1)  # naive means local time, as astimezone has it
    last = _last_date
    if last[0] == seconds:
        return last[1]
    t = gmtime(seconds)
    text = (
        f"{t.tm_year:04d}{t.tm_mon:02d}{t.tm_mday:02d}T{t.tm_hour:02d}{t.tm_min:02d}{t.tm_sec:02d}Z"
    )
    _last_date = (seconds, text)
    return text


def _parse_amz_date(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def normalize_path(path: str) -> str:
    """Remove ``.``/``..`` and empty segments (RFC 3986 5.2.4), keep a trailing slash."""
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment and segment != ".":
            segments.append(segment)
    normalized = "/" + "/".join(segments)
    if segments and path.endswith(("/", "/.", "/..")):
        normalized += "/"
    return normalized


@lru_cache(maxsize=256)
def _double_encoded_path(path: str) -> str:
    """The wire path is encoded once already; SigV4 encodes each segment again. A client
    sends the same few paths over and over, so the result is kept."""
    return quote(normalize_path(path), safe="/~")


def _string_to_sign(timestamp: str, scope: str, canonical: str) -> str:
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    return f"{ALGORITHM}\n{timestamp}\n{scope}\n{digest}"


def _signed_of(lower_names: Iterable[str]) -> list[str]:
    """The sorted names SigV4 signs: every header present but the unsignable, and host."""
    names = {k for k in lower_names if k not in _NOT_SIGNED}
    names.add("host")
    return sorted(names)


@lru_cache(maxsize=256)
def _signed_plan(names: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
    """For the lower-cased header names present, in order: the names signed and their
    ``;``-joined list. A client sends the same set of names on every call."""
    signed = _signed_of(names)
    return tuple(signed), ";".join(signed)


_DEFAULT_PORTS = {"http": ":80", "https": ":443"}


@lru_cache(maxsize=512)
def _canonical_target(url: str, s3: bool) -> tuple[str, str]:
    """The Host value and the ``path\nquery`` lines of the canonical request for ``url``:
    a client calls the same few URLs over and over, so each is split and encoded once."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    default = _DEFAULT_PORTS.get(parts.scheme)
    if default and host.endswith(default):
        host = host[: -len(default)]
    path = parts.path or "/"
    path = path if s3 else _double_encoded_path(path)
    return host, f"{path}\n{canonical_query(parse_query(parts.query, plus_is_space=False))}"


_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

# The last small body hashed, by identity: a call without params sends the same bytes
# object every time (the serializer keeps it), so its digest is computed once.
_last_payload: tuple[bytes, str] = (b"", _EMPTY_SHA256)
_KEPT_PAYLOAD_MAX = 4096  # a larger body is not held on to


def _payload_sha256(body: bytes) -> str:
    global _last_payload
    last = _last_payload
    if last[0] is body:
        return last[1]
    digest = hashlib.sha256(body).hexdigest()
    if len(body) <= _KEPT_PAYLOAD_MAX:
        _last_payload = (body, digest)
    return digest


class SigV4Signer(Signer):
    """AWS SigV4 for every service but S3."""

    name = "v4"
    uses_nonce = False
    s3 = False

    # --- canonical request ------------------------------------------------------------

    def canonical_path(self, path: str) -> str:
        if self.s3:
            return path or "/"
        return _double_encoded_path(path)

    def canonical_request(
        self,
        request: HTTPRequest,
        headers: HTTPHeaders,
        signed: list[str],
        query_pairs: list[tuple[str, str]],
        payload_hash: str,
    ) -> str:
        get = headers.get
        lines = [
            f"{name}:{' '.join(get(name, '').split())}\n"
            if name != "host" or "host" in headers
            else f"host:{request.host}\n"
            for name in signed
        ]
        return "\n".join(
            [
                request.method.upper(),
                self.canonical_path(request.path),
                canonical_query(query_pairs),
                "".join(lines),
                ";".join(signed),
                payload_hash,
            ]
        )

    def _payload_hash(self, request: HTTPRequest, context: SigningContext) -> str:
        if self.s3 and (context.placement == "query" or not context.sign_payload):
            return UNSIGNED_PAYLOAD
        body = request.body
        if not body:
            return _EMPTY_SHA256
        if type(body) is bytes:
            return _payload_sha256(body)
        return hashlib.sha256(request.body_bytes()).hexdigest()

    @staticmethod
    def _signed_names(headers: HTTPHeaders) -> list[str]:
        return _signed_of(k for k, _ in headers.items_lower())

    # --- signing ----------------------------------------------------------------------

    def sign(self, request: HTTPRequest, context: SigningContext) -> SignedRequest:
        credentials = context.credentials
        timestamp = amz_date(context.timestamp)
        date = timestamp[:8]
        region, service = context.region, context.service
        scope, keyed = _day_signing(credentials.access_key_secret, date, region, service)
        payload_hash = self._payload_hash(request, context)
        if context.placement == "query":
            key = sigv4_signing_key(credentials.access_key_secret, date, region, service)
            return self._presign(request, context, timestamp, scope, key, payload_hash)
        # The final headers are built in one dict: the signing headers first (signed
        # with the rest), then Authorization, which is not.
        entries = request.headers.entries()
        entries.pop("authorization", None)
        entries["x-amz-date"] = ("X-Amz-Date", timestamp)
        token = credentials.security_token
        if token:
            entries["x-amz-security-token"] = ("X-Amz-Security-Token", token)
        else:
            entries.pop("x-amz-security-token", None)
        if self.s3:
            entries["x-amz-content-sha256"] = ("X-Amz-Content-SHA256", payload_hash)
        signed, signed_list = _signed_plan(tuple(entries))
        host, target = _canonical_target(request.url, self.s3)
        lines = []
        for name in signed:
            entry = entries.get(name)
            value = host if entry is None else " ".join(entry[1].split())
            lines.append(f"{name}:{value}\n")
        canonical = (
            f"{request.method.upper()}\n{target}\n{''.join(lines)}\n{signed_list}\n{payload_hash}"
        )
        string_to_sign = _string_to_sign(timestamp, scope, canonical)
        signature = keyed.hexdigest(string_to_sign.encode())
        entries["authorization"] = (
            "Authorization",
            f"{ALGORITHM} Credential={credentials.access_key_id}/{scope}, "
            f"SignedHeaders={signed_list}, Signature={signature}",
        )
        signed_request = HTTPRequest(
            request.method, request.url, HTTPHeaders._of(entries), request.body
        )
        return SignedRequest(signed_request, signature, string_to_sign, canonical)

    def _presign(
        self,
        request: HTTPRequest,
        context: SigningContext,
        timestamp: str,
        scope: str,
        key: bytes,
        payload_hash: str,
    ) -> SignedRequest:
        expires = DEFAULT_EXPIRES if context.expires_in is None else context.expires_in
        if not 1 <= expires <= MAX_EXPIRES:
            raise SigningError(
                f"A SigV4 presigned URL must expire within 1 to {MAX_EXPIRES} seconds "
                f"(7 days); got ExpiresIn={expires}."
            )
        credentials = context.credentials
        headers = request.headers.merged({"Authorization": None})
        signed = self._signed_names(headers)
        auth = [
            ("X-Amz-Algorithm", ALGORITHM),
            ("X-Amz-Credential", f"{credentials.access_key_id}/{scope}"),
            ("X-Amz-Date", timestamp),
            ("X-Amz-Expires", str(expires)),
            ("X-Amz-SignedHeaders", ";".join(signed)),
        ]
        if credentials.security_token:
            auth.append(("X-Amz-Security-Token", credentials.security_token))
        base, _, query = request.url.partition("?")
        query_pairs = parse_query(query, plus_is_space=False) + auth
        canonical = self.canonical_request(request, headers, signed, query_pairs, payload_hash)
        string_to_sign = _string_to_sign(timestamp, scope, canonical)
        signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
        tail = "&".join([f"{k}={percent_encode(v)}" for k, v in auth])
        query = f"{query}&{tail}" if query else tail
        url = f"{base}?{query}&X-Amz-Signature={signature}"
        return SignedRequest(
            request.replace(url=url, headers=headers), signature, string_to_sign, canonical
        )

    # --- verification -----------------------------------------------------------------

    def verify(
        self,
        request: HTTPRequest,
        lookup: SecretLookup,
        now: datetime,
        max_skew: timedelta = timedelta(minutes=15),
    ) -> VerifiedRequest:
        headers = request.headers
        query_pairs = parse_query(request.query, plus_is_space=False)
        query = dict(query_pairs[::-1])  # the first value of a repeated key wins
        presigned = "X-Amz-Signature" in query
        if presigned:
            if query.get("X-Amz-Algorithm") != ALGORITHM or not all(
                query.get(k) for k in _QUERY_AUTH
            ):
                raise SignatureVerificationError(
                    "missing", f"A presigned URL needs {', '.join(_QUERY_AUTH)}."
                )
            credential, signed_list = query["X-Amz-Credential"], query["X-Amz-SignedHeaders"]
            sent, raw_date = query["X-Amz-Signature"], query["X-Amz-Date"]
            token = query.get("X-Amz-Security-Token")
            query_pairs = [(k, v) for k, v in query_pairs if k != "X-Amz-Signature"]
        else:
            algorithm, fields = authorization_fields(request)
            if algorithm != ALGORITHM or not all(
                fields.get(k) for k in ("Credential", "SignedHeaders", "Signature")
            ):
                raise SignatureVerificationError(
                    "missing", f"The Authorization header is not an {ALGORITHM} one."
                )
            credential, signed_list = fields["Credential"], fields["SignedHeaders"]
            sent = fields["Signature"]
            raw_date = headers.get("X-Amz-Date", "")
            token = headers.get("X-Amz-Security-Token")
        key_id, _, scope = credential.partition("/")
        date, region, service, terminator = [*scope.split("/"), "", "", "", ""][:4]
        signed_at = _parse_amz_date(require(raw_date, "X-Amz-Date", key_id))
        if signed_at is None or terminator != "aws4_request" or raw_date[:8] != date:
            raise SignatureVerificationError(
                "missing",
                "The credential scope or X-Amz-Date is malformed, or their dates differ.",
                key_id,
            )
        signed = signed_list.split(";")
        if "host" not in signed or signed != sorted(signed):
            raise SignatureVerificationError(
                "bad_signature", "SignedHeaders must be sorted and include host.", key_id
            )
        credentials = lookup_credentials(lookup, key_id)
        payload_hash = self._received_payload_hash(request, presigned, key_id)
        canonical = self.canonical_request(request, headers, signed, query_pairs, payload_hash)
        string_to_sign = _string_to_sign(raw_date, scope, canonical)
        key = sigv4_signing_key(credentials.access_key_secret, date, region, service)
        check_signature(
            hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest(), sent, key_id
        )
        if presigned:
            raw_expires = query.get("X-Amz-Expires", "")
            if not raw_expires.isdigit() or not 1 <= int(raw_expires) <= MAX_EXPIRES:
                raise SignatureVerificationError(
                    "missing", f"X-Amz-Expires must be 1 to {MAX_EXPIRES} seconds.", key_id
                )
            check_expiry(signed_at, int(raw_expires), now, max_skew, key_id)
        else:
            check_skew(signed_at, now, max_skew, key_id)
        check_token(credentials, token, key_id)
        return VerifiedRequest(key_id, signed_at, credentials)

    def _received_payload_hash(self, request: HTTPRequest, presigned: bool, key_id: str) -> str:
        if not self.s3:
            return hashlib.sha256(request.body_bytes()).hexdigest()
        if presigned:
            return UNSIGNED_PAYLOAD
        claimed = require(
            request.headers.get("X-Amz-Content-SHA256"), "X-Amz-Content-SHA256 header", key_id
        )
        if (
            claimed != UNSIGNED_PAYLOAD
            and claimed != hashlib.sha256(request.body_bytes()).hexdigest()
        ):
            raise SignatureVerificationError(
                "bad_signature", "X-Amz-Content-SHA256 does not match the body.", key_id
            )
        return claimed


class S3SigV4Signer(SigV4Signer):
    """SigV4 as S3 wants it: path as sent, X-Amz-Content-SHA256, unsigned payloads."""

    name = "s3v4"
    s3 = True
