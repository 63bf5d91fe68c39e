"""Every error cloudcore raises, in one tree.

::

    CloudcoreError
    ├── ModelError                      a service model cannot be found or used
    │   ├── UnknownServiceError           no model of that name (with close matches)
    │   ├── AmbiguousServiceError         the name exists under several clouds
    │   ├── UnknownAPIVersionError        the service has no such api-version
    │   ├── InvalidModelError             a model file breaks the schema (file, JSON path)
    │   ├── UnknownOperationError         the service has no such operation
    │   ├── OperationNotPageableError     no paginator of that name
    │   └── UnknownWaiterError            no waiter of that name
    ├── ParamValidationError            parameters do not fit the input shape (all problems)
    ├── ConfigError                     a Config value or setting is invalid
    │   └── InvalidRegionError            a region the product does not serve
    ├── NoCredentialsError              no credentials in any place the chain looked
    ├── CredentialRetrievalError        a credential source failed (refresh, STS, metadata)
    ├── SigningError                    a request cannot be signed or presigned
    ├── StubError                       a Stubber expectation was not met
    │   └── StubResponseError             the stubbed response does not fit the model
    ├── PaginationError                 a paginator would loop (repeated token, past total)
    ├── WaiterError                     a waiter hit a failure state or ran out of attempts
    ├── ResponseParserError             a response body cannot be parsed (status, request id)
    ├── HTTPClientError                 the request did not complete over the network
    │   ├── EndpointConnectionError       refused, DNS failure, unreachable
    │   │   └── ConnectTimeoutError         connecting took longer than connect_timeout
    │   ├── ReadTimeoutError              the server did not answer within read_timeout
    │   ├── SSLError                      TLS handshake or verification failed
    │   ├── ConnectionClosedError         the server closed the connection mid-response
    │   ├── IncompleteReadError           fewer body bytes than Content-Length promised
    │   └── ProxyConnectionError          the proxy could not be reached
    ├── DeadlineExceededError           the call's total deadline passed
    └── ClientError                     the service answered with an error
        └── <Code>                        one subclass per modelled error, on
                                          ``client.exceptions``

Every exception keeps its constructor arguments so it pickles, and its message says what
was wrong and where. No message ever contains a secret: credentials appear only as the
first characters of the access key id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "AmbiguousServiceError",
    "ClientError",
    "CloudcoreError",
    "ConfigError",
    "ConnectTimeoutError",
    "ConnectionClosedError",
    "CredentialRetrievalError",
    "DeadlineExceededError",
    "EndpointConnectionError",
    "HTTPClientError",
    "IncompleteReadError",
    "InvalidModelError",
    "InvalidRegionError",
    "ModelError",
    "NoCredentialsError",
    "OperationNotPageableError",
    "PaginationError",
    "ParamValidationError",
    "ProxyConnectionError",
    "ReadTimeoutError",
    "ResponseParserError",
    "SSLError",
    "SigningError",
    "StubError",
    "StubResponseError",
    "UnknownAPIVersionError",
    "UnknownOperationError",
    "UnknownServiceError",
    "UnknownWaiterError",
    "WaiterError",
]


class CloudcoreError(Exception):
    """The root of every cloudcore error.

    Subclasses build their message from keyword fields; ``__reduce__`` replays those
    fields so every error survives ``pickle`` (and so crosses process pools).
    """

    fmt = "An unspecified error occurred"

    def __init__(self, msg: str | None = None, **fields: Any) -> None:
        self.fields = fields
        for name, value in fields.items():
            setattr(self, name, value)
        message = msg if msg is not None else self.fmt.format(**fields)
        self._msg = msg
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self._msg, self.fields))


def _rebuild(cls: type[CloudcoreError], msg: str | None, fields: dict[str, Any]) -> Exception:
    err = cls.__new__(cls)
    CloudcoreError.__init__(err, msg, **fields)
    return err


# --- models -----------------------------------------------------------------------------


class ModelError(CloudcoreError):
    """A service model cannot be found, loaded or used."""


class UnknownServiceError(ModelError):
    def __init__(self, service_name: str, close_matches: Sequence[str] = ()) -> None:
        hint = f" Did you mean: {', '.join(close_matches)}?" if close_matches else ""
        super().__init__(
            f"Unknown service {service_name!r}.{hint} "
            "list_available_services() shows every model on the search path.",
            service_name=service_name,
            close_matches=list(close_matches),
        )


class AmbiguousServiceError(ModelError):
    choices: list[str]

    def __init__(self, service_name: str, choices: Sequence[str]) -> None:
        super().__init__(
            f"Service {service_name!r} exists under several clouds: {', '.join(choices)}. "
            "Pass provider=... or a qualified name such as "
            f"{choices[0]!r}.",
            service_name=service_name,
            choices=list(choices),
        )


class UnknownAPIVersionError(ModelError):
    def __init__(self, service_name: str, api_version: str, available: Sequence[str]) -> None:
        super().__init__(
            f"Service {service_name!r} has no api-version {api_version!r}; "
            f"available: {', '.join(available) or 'none'}.",
            service_name=service_name,
            api_version=api_version,
            available=list(available),
        )


class InvalidModelError(ModelError):
    path: str
    json_path: str
    problem: str

    def __init__(self, path: str, json_path: str, problem: str) -> None:
        super().__init__(
            f"Invalid model file {path} at {json_path}: {problem}",
            path=path,
            json_path=json_path,
            problem=problem,
        )


class UnknownOperationError(ModelError):
    def __init__(self, service_name: str, operation_name: str) -> None:
        super().__init__(
            f"Service {service_name!r} has no operation {operation_name!r}.",
            service_name=service_name,
            operation_name=operation_name,
        )


class OperationNotPageableError(ModelError):
    def __init__(self, service_name: str, name: str, paginators: Sequence[str]) -> None:
        super().__init__(
            f"{service_name} has no paginator {name!r}; "
            f"paginators: {', '.join(paginators) or 'none'}",
            service_name=service_name,
            name=name,
            paginators=list(paginators),
        )


class UnknownWaiterError(ModelError):
    def __init__(self, service_name: str, name: str, waiters: Sequence[str]) -> None:
        super().__init__(
            f"{service_name} has no waiter {name!r}; waiters: {', '.join(waiters) or 'none'}",
            service_name=service_name,
            name=name,
            waiters=list(waiters),
        )


# --- input ------------------------------------------------------------------------------


class ParamValidationError(CloudcoreError):
    """Parameters do not fit the operation's input shape.

    ``problems`` lists every problem found, each as ``(path, message)``; the message
    shows them all at once so one round of fixing is enough.
    """

    operation_name: str
    problems: list[tuple[str, str]]

    def __init__(self, operation_name: str, problems: Sequence[tuple[str, str]]) -> None:
        lines = "\n".join(f"  {path}: {message}" for path, message in problems)
        super().__init__(
            f"Invalid parameters for {operation_name} "
            f"({len(problems)} problem{'s' if len(problems) != 1 else ''}):\n{lines}",
            operation_name=operation_name,
            problems=[tuple(p) for p in problems],
        )


class ConfigError(CloudcoreError):
    """A Config value, environment variable or config-file setting is invalid."""


class InvalidRegionError(ConfigError):
    def __init__(self, service_name: str, region_name: str, known: Sequence[str] = ()) -> None:
        extra = f" Known regions: {', '.join(known)}." if known else ""
        super().__init__(
            f"Service {service_name!r} is not offered in region {region_name!r}.{extra} "
            "Pass endpoint_url= to call an endpoint the data does not list.",
            service_name=service_name,
            region_name=region_name,
            known=list(known),
        )


# --- credentials and signing -------------------------------------------------------------


class NoCredentialsError(CloudcoreError):
    provider: str
    looked_in: list[str]

    def __init__(self, provider: str = "", looked_in: Sequence[str] = ()) -> None:
        where = "; ".join(looked_in) if looked_in else "nowhere"
        super().__init__(
            f"No {provider + ' ' if provider else ''}credentials found. Looked in: {where}.",
            provider=provider,
            looked_in=list(looked_in),
        )


class CredentialRetrievalError(CloudcoreError):
    def __init__(self, source: str, reason: str) -> None:
        super().__init__(
            f"Could not get credentials from {source}: {reason}", source=source, reason=reason
        )


class SigningError(CloudcoreError):
    """A request cannot be signed or presigned as asked."""


# --- testing, pagination, waiting --------------------------------------------------------


class StubError(CloudcoreError):
    """A Stubber expectation was not met."""


class StubResponseError(StubError):
    """A stubbed response does not fit the operation's output shape."""


class PaginationError(CloudcoreError):
    """A paginator stopped because going on would loop or read past the end."""


class WaiterError(CloudcoreError):
    name: str
    reason: str
    last_response: Any

    def __init__(self, name: str, reason: str, last_response: Any = None) -> None:
        super().__init__(
            f"Waiter {name} failed: {reason}",
            name=name,
            reason=reason,
            last_response=last_response,
        )


# --- the wire ---------------------------------------------------------------------------


class ResponseParserError(CloudcoreError):
    """A response could not be parsed.

    Carries the HTTP status, the request id when one could be found, and the first bytes
    of the body, so a proxy's HTML error page is recognisable from the message alone.
    """

    reason: str
    status_code: int | None
    request_id: str | None
    body_start: str

    def __init__(
        self,
        reason: str,
        status_code: int | None = None,
        request_id: str | None = None,
        body_start: str = "",
    ) -> None:
        parts = [f"Unable to parse response: {reason}"]
        if status_code is not None:
            parts.append(f"HTTP status {status_code}")
        if request_id:
            parts.append(f"request id {request_id}")
        if body_start:
            parts.append(f"body starts {body_start!r}")
        super().__init__(
            "; ".join(parts),
            reason=reason,
            status_code=status_code,
            request_id=request_id,
            body_start=body_start,
        )


class HTTPClientError(CloudcoreError):
    """The request did not complete over the network.

    ``request_sent`` tells whether any byte of the request may have reached the server;
    the retry policy only retries non-idempotent calls when it is False.
    """

    fmt = "HTTP request to {endpoint_url} failed: {error}"
    endpoint_url: str
    error: str
    request_sent: bool

    def __init__(self, endpoint_url: str = "", error: str = "", request_sent: bool = True) -> None:
        super().__init__(None, endpoint_url=endpoint_url, error=error, request_sent=request_sent)


class EndpointConnectionError(HTTPClientError):
    fmt = "Could not connect to {endpoint_url}: {error}"

    def __init__(self, endpoint_url: str = "", error: str = "", request_sent: bool = False) -> None:
        super().__init__(endpoint_url, error, request_sent)


class ConnectTimeoutError(EndpointConnectionError):
    fmt = "Connecting to {endpoint_url} timed out: {error}"


class ReadTimeoutError(HTTPClientError):
    fmt = "Read from {endpoint_url} timed out: {error}"


class SSLError(HTTPClientError):
    fmt = "TLS error talking to {endpoint_url}: {error}"

    def __init__(self, endpoint_url: str = "", error: str = "", request_sent: bool = False) -> None:
        super().__init__(endpoint_url, error, request_sent)


class ConnectionClosedError(HTTPClientError):
    fmt = "Connection to {endpoint_url} was closed before the response was complete: {error}"


class IncompleteReadError(HTTPClientError):
    fmt = "Incomplete body from {endpoint_url}: {error}"


class ProxyConnectionError(HTTPClientError):
    fmt = "Could not connect to the proxy for {endpoint_url}: {error}"

    def __init__(self, endpoint_url: str = "", error: str = "", request_sent: bool = False) -> None:
        super().__init__(endpoint_url, error, request_sent)


class DeadlineExceededError(CloudcoreError):
    def __init__(self, operation_name: str, deadline: float, attempts: int) -> None:
        super().__init__(
            f"{operation_name} did not complete within its {deadline:g} s deadline "
            f"({attempts} attempt{'s' if attempts != 1 else ''}).",
            operation_name=operation_name,
            deadline=deadline,
            attempts=attempts,
        )


# --- service errors ---------------------------------------------------------------------


class ClientError(CloudcoreError):
    """The service answered with an error.

    ``response`` is the parsed response: ``response["Error"]`` has ``Code`` and
    ``Message`` (and ``RequestId``/``HostId``/``Recommend`` where the cloud sends them),
    ``response["ResponseMetadata"]`` has the status, headers, request id and attempts.
    Modelled errors are subclasses, reachable as ``client.exceptions.<Code>``.
    """

    def __init__(self, error_response: Mapping[str, Any], operation_name: str) -> None:
        error = error_response.get("Error", {}) or {}
        code = error.get("Code", "Unknown")
        message = error.get("Message", "Unknown")
        request_id = (error_response.get("ResponseMetadata") or {}).get("RequestId") or error.get(
            "RequestId"
        )
        tail = f" (request id {request_id})" if request_id else ""
        retry = (error_response.get("ResponseMetadata") or {}).get("RetryAttempts")
        if retry:
            tail += f" after {retry} retr{'ies' if retry != 1 else 'y'}"
        super().__init__(
            f"An error occurred ({code}) when calling the {operation_name} operation"
            f"{tail}: {message}",
            response=dict(error_response),
            operation_name=operation_name,
        )

    response: dict[str, Any]
    operation_name: str

    @property
    def code(self) -> str:
        return str(self.response.get("Error", {}).get("Code", "Unknown"))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.response, self.operation_name))
