from __future__ import annotations

import pickle

import pytest
from cloudcore import exceptions as exc


@pytest.mark.parametrize(
    "error",
    [
        exc.UnknownServiceError("ecz", ["ecs"]),
        exc.AmbiguousServiceError("sts", ["aliyun.sts", "aws.sts"]),
        exc.UnknownAPIVersionError("ecs", "1999-01-01", ["2014-05-26"]),
        exc.InvalidModelError("/tmp/m.json", "$.shapes.X", "bad"),
        exc.UnknownOperationError("ecs", "Nope"),
        exc.OperationNotPageableError("ecs", "Nope", ["DescribeInstances"]),
        exc.UnknownWaiterError("ecs", "nope", ["instance_running"]),
        exc.ParamValidationError("RunInstances", [("ImageId", "missing required parameter")]),
        exc.InvalidRegionError("ecs", "mars-1", ["cn-hangzhou"]),
        exc.NoCredentialsError("aliyun", ["environment"]),
        exc.CredentialRetrievalError("metadata", "timed out"),
        exc.WaiterError("InstanceRunning", "max attempts exceeded", {"x": 1}),
        exc.ResponseParserError("invalid JSON", 502, "req-1", "<html>"),
        exc.EndpointConnectionError("https://h", "refused"),
        exc.ConnectTimeoutError("https://h", "slow"),
        exc.ReadTimeoutError("https://h", "slow"),
        exc.SSLError("https://h", "bad cert"),
        exc.ConnectionClosedError("https://h", "reset"),
        exc.IncompleteReadError("https://h", "3 of 9"),
        exc.ProxyConnectionError("https://h", "no proxy"),
        exc.DeadlineExceededError("RunInstances", 2.0, 3),
        exc.ConfigError("bad"),
        exc.StubError("bad"),
        exc.PaginationError("loop"),
        exc.ClientError(
            {
                "Error": {"Code": "Throttling", "Message": "slow down"},
                "ResponseMetadata": {"RequestId": "r-1", "RetryAttempts": 2},
            },
            "DescribeInstances",
        ),
    ],
)
def test_every_exception_pickles_with_its_message(error: exc.CloudcoreError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert isinstance(copy, exc.CloudcoreError)


def test_messages_say_what_and_where() -> None:
    assert "Did you mean: ecs" in str(exc.UnknownServiceError("ecz", ["ecs"]))
    assert "aliyun.sts, aws.sts" in str(exc.AmbiguousServiceError("sts", ["aliyun.sts", "aws.sts"]))
    msg = str(exc.InvalidModelError("/m.json", "$.shapes.X.members", "shape 'Y' is not defined"))
    assert "/m.json" in msg and "$.shapes.X.members" in msg and "'Y'" in msg
    err = exc.ClientError(
        {
            "Error": {"Code": "Throttling", "Message": "slow down"},
            "ResponseMetadata": {"RequestId": "r-1", "RetryAttempts": 2},
        },
        "DescribeInstances",
    )
    assert str(err) == (
        "An error occurred (Throttling) when calling the DescribeInstances operation "
        "(request id r-1) after 2 retries: slow down"
    )
    assert err.code == "Throttling"


def test_network_errors_know_whether_the_request_was_sent() -> None:
    assert exc.EndpointConnectionError("u", "refused").request_sent is False
    assert exc.ReadTimeoutError("u", "slow").request_sent is True
    assert isinstance(exc.ConnectTimeoutError("u", "x"), exc.EndpointConnectionError)


def test_tree_in_docstring_names_every_public_class() -> None:
    doc = exc.__doc__ or ""
    for name in exc.__all__:
        assert name in doc, name
