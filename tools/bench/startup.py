"""Start-up costs: import, first client, a further client, a new Session plus client.

Each snippet runs in a fresh interpreter and prints one JSON object; times are wall
seconds, memory is bytes allocated by Python (tracemalloc) and kept alive.
"""

from __future__ import annotations

IMPORT = {
    "python -c pass": "pass",
    "cloudcore": "import cloudcore",
    "botocore": "import botocore.session",
}

_CLOUDCORE_FIRST = """
import json, time
t0 = time.perf_counter()
import cloudcore
s = cloudcore.Session()
c = s.create_client("ecs", region_name="cn-hangzhou", access_key_id="AK", access_key_secret="SK")
print(json.dumps({"seconds": time.perf_counter() - t0}))
"""

_BOTOCORE_FIRST = """
import json, time
t0 = time.perf_counter()
import botocore.session
s = botocore.session.get_session()
c = s.create_client("ec2", region_name="us-east-1", aws_access_key_id="AK",
                    aws_secret_access_key="SK")
print(json.dumps({"seconds": time.perf_counter() - t0}))
"""

_REPEAT = """
import gc, json, time, tracemalloc
{setup}
make()  # warm: the first one loads the model and builds the class
N = {n}
keep = []
t0 = time.perf_counter()
for _ in range(N):
    keep.append(make())
elapsed = time.perf_counter() - t0
# Memory in a second pass, so tracing does not slow the timed one.
keep = []
gc.collect()
tracemalloc.start()
before = tracemalloc.get_traced_memory()[0]
for _ in range(N):
    keep.append(make())
gc.collect()
after = tracemalloc.get_traced_memory()[0]
print(json.dumps({{"seconds": elapsed / N, "bytes": (after - before) / N}}))
"""

_CLOUDCORE_SETUP = """
import cloudcore
session = cloudcore.Session()
def client(s):
    return s.create_client("ecs", region_name="cn-hangzhou", access_key_id="AK",
                           access_key_secret="SK")
"""

_BOTOCORE_SETUP = """
import botocore.session
session = botocore.session.get_session()
def client(s):
    return s.create_client("ec2", region_name="us-east-1", aws_access_key_id="AK",
                           aws_secret_access_key="SK")
"""

FIRST_CLIENT = {"cloudcore": _CLOUDCORE_FIRST, "botocore": _BOTOCORE_FIRST}

FURTHER_CLIENT = {
    "cloudcore": _REPEAT.format(setup=_CLOUDCORE_SETUP + "make = lambda: client(session)", n=200),
    "botocore": _REPEAT.format(setup=_BOTOCORE_SETUP + "make = lambda: client(session)", n=20),
}

SESSION_AND_CLIENT = {
    "cloudcore": _REPEAT.format(
        setup=_CLOUDCORE_SETUP + "make = lambda: client(cloudcore.Session())", n=200
    ),
    "botocore": _REPEAT.format(
        setup=_BOTOCORE_SETUP + "make = lambda: client(botocore.session.get_session())", n=5
    ),
}
