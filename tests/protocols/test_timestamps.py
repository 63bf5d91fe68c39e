"""Wire timestamps: the positional reading of HTTP dates agrees with ``email.utils`` on
every date, and every format still parses (or fails) as before."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime

import pytest
from cloudcore.protocols.timestamps import format_timestamp, parse_timestamp
from hypothesis import given, settings
from hypothesis import strategies as st

UTC = timezone.utc
moments = st.datetimes(
    min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))


@settings(max_examples=200)
@given(moments)
def test_http_dates_read_like_email_utils(moment: datetime) -> None:
    text = format_datetime(moment, usegmt=True)
    assert len(text) == 29  # the fixed form the positional reading takes
    assert parse_timestamp(text) == parsedate_to_datetime(text) == moment
    assert parse_timestamp(format_timestamp(moment, "rfc822")) == moment


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mon, 01 Jan 2024 00:00:00 GMT", datetime(2024, 1, 1, tzinfo=UTC)),
        ("  Mon, 01 Jan 2024 00:00:00 GMT ", datetime(2024, 1, 1, tzinfo=UTC)),
        ("Sun, 6 Nov 1994 08:49:37 GMT", datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)),
        ("Mon, 01 Jan 2024 01:00:00 +0100", datetime(2024, 1, 1, tzinfo=UTC)),
        ("Mon, 01 jan 2024 00:00:00 GMT", datetime(2024, 1, 1, tzinfo=UTC)),
        ("1700000000", datetime.fromtimestamp(1700000000, UTC)),
        ("-1.5", datetime(1970, 1, 1, tzinfo=UTC) - timedelta(seconds=1.5)),
        ("2015-01-25T08:00:00Z", datetime(2015, 1, 25, 8, tzinfo=UTC)),
        ("2015-01-25T08:00:00.123+01:00", datetime(2015, 1, 25, 7, 0, 0, 123000, tzinfo=UTC)),
        ("2015-01-25", datetime(2015, 1, 25, tzinfo=UTC)),
    ],
)
def test_every_format_parses(text: str, expected: datetime) -> None:
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Mon, 31 Feb 2024 00:00:00 GMT",
        "Mon, 01 Foo 2024 00:00:00 GMT",
        "Mon, 01 Jan 2024 25:00:00 GMT",
        "nan",
        "not a date",
        "",
    ],
)
def test_bad_dates_raise_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="not a timestamp"):
        parse_timestamp(text)
