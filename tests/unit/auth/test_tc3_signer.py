"""TC3: the credential date is the UTC day of the signing time, at every hour of the day."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from cloudcore.auth.credentials import Credentials
from cloudcore.auth.signers.base import SigningContext
from cloudcore.auth.signers.tc3 import Tc3Signer
from cloudcore.http import HTTPHeaders, HTTPRequest
from hypothesis import given, settings
from hypothesis import strategies as st

CREDENTIALS = Credentials("AKIDdate", "secret")


@settings(max_examples=40, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(1970, 1, 2),
        max_value=datetime(2100, 1, 1),
        timezones=st.just(timezone.utc),
    )
)
def test_credential_date_is_the_utc_day_and_verifies(moment: datetime) -> None:
    moment = moment.replace(microsecond=0)
    request = HTTPRequest(
        "POST",
        "https://cvm.tencentcloudapi.com/",
        HTTPHeaders({"Content-Type": "application/json"}),
        b"{}",
    )
    signer = Tc3Signer()
    for at in (moment, moment.replace(hour=0, minute=0, second=0) - timedelta(seconds=1)):
        context = SigningContext(CREDENTIALS, "ap-guangzhou", "cvm", at)
        signed = signer.sign(request, context).request
        scope = signed.headers["Authorization"].split("Credential=")[1].split(",")[0]
        assert scope == f"AKIDdate/{at.strftime('%Y-%m-%d')}/cvm/tc3_request"
        verified = signer.verify(signed, lambda key_id: CREDENTIALS, at)
        assert verified.access_key_id == "AKIDdate"
