"""Paginators, driven by ``paginators-1.json``, for every cloud.

Three styles, chosen by the paginator's ``style`` key:

``token`` (the default, botocore's semantics)
    ``input_token`` (one or several request members) take the values of
    ``output_token`` (JMESPath expressions over the response); ``more_results`` may say
    when to stop; no next token means the last page.
``page_number`` (Alibaba ``PageNumber``/``PageSize``/``TotalCount``)
    ``input_token`` names the page-number member, counted from ``first_page`` (default
    1); the last page is the one that is empty, shorter than the page size, or reaches
    ``total_key``'s count.
``offset`` (Tencent ``Offset``/``Limit``/``TotalCount``)
    ``input_token`` names the offset member, advanced by the number of results on each
    page; it stops like ``page_number``.

``limit_key`` is the page-size member, ``result_key`` one or more JMESPath expressions
for the items, ``non_aggregate_keys`` members kept from the first page. Pages are
fetched lazily, one at a time, so walking any number of items keeps memory flat.
``PaginationConfig={"MaxItems", "PageSize", "StartingToken"}`` limits the walk and
resumes it from an opaque ``resume_token``. A token that repeats, or pages that go on
past the total, stop with :class:`~cloudcore.exceptions.PaginationError` rather than
looping forever.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import jmespath

from cloudcore.exceptions import PaginationError, ParamValidationError

__all__ = ["PageIterator", "Paginator"]

_STYLES = ("token", "page_number", "offset")
_expressions: dict[str, Any] = {}


def _compile(expression: str) -> Any:
    compiled = _expressions.get(expression)
    if compiled is None:
        compiled = _expressions[expression] = jmespath.compile(expression)
    return compiled


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _set_path(target: dict[str, Any], expression: str, value: Any) -> None:
    """Put ``value`` at a dotted JMESPath such as ``Instances.Instance``."""
    parts = expression.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


class Paginator:
    """``client.get_paginator("describe_instances")``; call :meth:`paginate`."""

    def __init__(self, method: Callable[..., dict[str, Any]], name: str, config: Mapping[str, Any]):
        self._method = method
        self.name = name
        self.style = str(config.get("style", "token"))
        if self.style not in _STYLES:
            raise PaginationError(f"Paginator {name}: unknown style {self.style!r}")
        self.input_tokens = _as_list(config.get("input_token"))
        self.output_tokens = _as_list(config.get("output_token"))
        self.more_results = config.get("more_results")
        self.limit_key: str | None = config.get("limit_key")
        self.result_keys = _as_list(config.get("result_key"))
        self.non_aggregate_keys = _as_list(config.get("non_aggregate_keys"))
        self.total_key: str | None = config.get("total_key")
        self.first_page = int(config.get("first_page", 1))
        if not self.input_tokens:
            raise PaginationError(f"Paginator {name} has no input_token")
        if self.style == "token" and len(self.input_tokens) != len(self.output_tokens):
            raise PaginationError(
                f"Paginator {name}: {len(self.input_tokens)} input tokens but "
                f"{len(self.output_tokens)} output tokens"
            )

    @property
    def result_keys_compiled(self) -> list[Any]:
        return [_compile(k) for k in self.result_keys]

    def paginate(self, **kwargs: Any) -> PageIterator:
        config = dict(kwargs.pop("PaginationConfig", None) or {})
        unknown = set(config) - {"MaxItems", "PageSize", "StartingToken"}
        if unknown:
            raise ParamValidationError(
                self.name,
                [
                    (f"PaginationConfig.{k}", "unknown; valid: MaxItems, PageSize, StartingToken")
                    for k in sorted(unknown)
                ],
            )
        for key in ("MaxItems", "PageSize"):
            value = config.get(key)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ParamValidationError(
                    self.name,
                    [(f"PaginationConfig.{key}", f"must be a positive integer, got {value!r}")],
                )
        return PageIterator(
            self,
            kwargs,
            config.get("MaxItems"),
            config.get("PageSize"),
            config.get("StartingToken"),
        )


class PageIterator:
    """Iterates pages lazily; also :meth:`build_full_result` and :meth:`search`."""

    def __init__(
        self,
        paginator: Paginator,
        params: Mapping[str, Any],
        max_items: int | None,
        page_size: int | None,
        starting_token: str | None,
    ) -> None:
        self._p = paginator
        self._params = dict(params)
        self._max_items = max_items
        self._page_size = page_size
        self._starting_token = starting_token
        self.resume_token: str | None = None
        self.non_aggregate_part: dict[str, Any] = {}

    # --- tokens -------------------------------------------------------------------------

    @staticmethod
    def _encode(state: Mapping[str, Any]) -> str:
        raw = json.dumps(state, sort_keys=True, default=str).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _decode(self, token: str) -> dict[str, Any]:
        try:
            padded = token + "=" * (-len(token) % 4)
            state = json.loads(base64.urlsafe_b64decode(padded))
            if not isinstance(state, dict):
                raise ValueError("not an object")
        except ValueError as e:
            raise PaginationError(
                f"Paginator {self._p.name}: StartingToken is not a resume token ({e})"
            ) from None
        return state

    # --- the walk -----------------------------------------------------------------------

    def __iter__(self) -> Iterator[dict[str, Any]]:
        p = self._p
        params = dict(self._params)
        if self._page_size is not None:
            if p.limit_key is None:
                raise PaginationError(
                    f"Paginator {p.name} has no limit_key; PageSize is unsupported"
                )
            params[p.limit_key] = self._page_size
        state = self._decode(self._starting_token) if self._starting_token else {}
        skip = int(state.get("skip", 0))
        position = state.get("position")
        if position is None:
            position = self._initial_position(params)
        seen_positions: set[str] = set()
        yielded = 0
        first = True
        while True:
            self._apply_position(params, position)
            key = json.dumps(position, sort_keys=True, default=str)
            if key in seen_positions:
                raise PaginationError(
                    f"Paginator {p.name}: the service returned the same token twice ({key}); "
                    "stopping instead of looping"
                )
            seen_positions.add(key)
            response = self._p._method(**params)
            if first:
                self._record_non_aggregate(response)
                first = False
            items = self._count(response)
            next_position = self._next_position(response, position, items)
            if skip:
                response = self._truncate(response, skip, from_start=True)
                items = max(0, items - skip)
                skip_taken = skip
                skip = 0
            else:
                skip_taken = 0
            if self._max_items is not None and yielded + items >= self._max_items:
                keep = self._max_items - yielded
                if keep < items or next_position is not None:
                    if keep < items:
                        self.resume_token = self._encode(
                            {"position": position, "skip": skip_taken + keep}
                        )
                    elif next_position is not None:
                        self.resume_token = self._encode({"position": next_position})
                    response = self._truncate(response, keep, from_start=False)
                yield response
                return
            yielded += items
            yield response
            if next_position is None:
                return
            position = next_position

    def _initial_position(self, params: Mapping[str, Any]) -> Any:
        p = self._p
        if p.style == "page_number":
            return int(params.get(p.input_tokens[0]) or p.first_page)
        if p.style == "offset":
            return int(params.get(p.input_tokens[0]) or 0)
        return [params.get(t) for t in p.input_tokens]

    def _apply_position(self, params: dict[str, Any], position: Any) -> None:
        p = self._p
        if p.style == "token":
            for name, value in zip(p.input_tokens, position, strict=True):
                if value is None:
                    params.pop(name, None)
                else:
                    params[name] = value
        else:
            params[p.input_tokens[0]] = position

    def _count(self, response: Mapping[str, Any]) -> int:
        counts = [
            len(v)
            for v in (e.search(response) for e in self._p.result_keys_compiled)
            if isinstance(v, list)
        ]
        return max(counts, default=0)

    def _next_position(self, response: Mapping[str, Any], position: Any, items: int) -> Any:
        p = self._p
        if p.style == "token":
            if p.more_results is not None and not _compile(p.more_results).search(response):
                return None
            tokens = [_compile(t).search(response) for t in p.output_tokens]
            if all(t in (None, "", []) for t in tokens):
                return None
            return tokens
        size = self._effective_page_size(response)
        total = _compile(p.total_key).search(response) if p.total_key else None
        if items == 0:
            return None
        if p.style == "page_number":
            consumed = (position - p.first_page) * (size or items) + items
            if isinstance(total, int) and size and (position - p.first_page) * size >= total:
                raise PaginationError(
                    f"Paginator {p.name}: page {position} is past the total of {total} items "
                    f"at {size} per page, yet the service returned {items}"
                )
            next_position = position + 1
        else:
            consumed = position + items
            next_position = consumed
        if isinstance(total, int) and consumed >= total:
            return None
        if size is not None and items < size:
            return None
        return next_position

    def _effective_page_size(self, response: Mapping[str, Any]) -> int | None:
        p = self._p
        if self._page_size is not None:
            return self._page_size
        if p.limit_key:
            given = self._params.get(p.limit_key)
            if isinstance(given, int):
                return given
            echoed = response.get(p.limit_key)
            if isinstance(echoed, int):
                return echoed
        return None

    def _truncate(self, response: dict[str, Any], count: int, from_start: bool) -> dict[str, Any]:
        """A copy of the page with the result lists cut (drop ``count`` or keep ``count``)."""
        out = dict(response)
        for expression in self._p.result_keys:
            value = _compile(expression).search(response)
            if not isinstance(value, list):
                continue
            cut = value[count:] if from_start else value[:count]
            parts = expression.split(".")
            node = out
            for part in parts[:-1]:
                child = node.get(part)
                if not isinstance(child, dict):
                    break
                node[part] = node = dict(child)
            else:
                node[parts[-1]] = cut
        return out

    def _record_non_aggregate(self, response: Mapping[str, Any]) -> None:
        for expression in self._p.non_aggregate_keys:
            _set_path(self.non_aggregate_part, expression, _compile(expression).search(response))

    # --- conveniences -------------------------------------------------------------------

    def build_full_result(self) -> dict[str, Any]:
        """Every page merged: result lists concatenated, plus ``NextToken`` to resume."""
        merged: dict[str, list[Any]] = {k: [] for k in self._p.result_keys}
        for page in self:
            for expression in self._p.result_keys:
                value = _compile(expression).search(page)
                if isinstance(value, list):
                    merged[expression].extend(value)
        result: dict[str, Any] = {}
        for expression, values in merged.items():
            _set_path(result, expression, values)
        for expression in self._p.non_aggregate_keys:
            value = _compile(expression).search(self.non_aggregate_part)
            _set_path(result, expression, value)
        if self.resume_token is not None:
            result["NextToken"] = self.resume_token
        return result

    def search(self, expression: str) -> Iterator[Any]:
        """Apply a JMESPath expression to each page; yield list results item by item."""
        compiled = _compile(expression)
        for page in self:
            found = compiled.search(page)
            if isinstance(found, list):
                yield from found
            elif found is not None:
                yield found

    @property
    def result_keys(self) -> list[str]:
        return list(self._p.result_keys)
