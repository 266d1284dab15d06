"""Schemathesis over the OpenAPI schema: no generated input gets a 500, and every error has the shape.

Bounded (``MAX_EXAMPLES`` per operation). The app is the session's running app (lifespan entered
once by the ``client`` fixture). Operations are driven with Hypothesis directly (one test, a loop
over the operations) rather than schemathesis' pytest plugin.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

ERROR_KEYS = {"status", "code", "message", "details"}
MAX_EXAMPLES = 10


@pytest.mark.slow
def test_no_server_error_on_generated_input(app, client, api_key: str) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14
    seen: dict[str, set[int]] = {}

    def run(operation) -> None:
        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def check(case) -> None:
            headers = {"X-API-Key": api_key} if case.method.upper() == "POST" else None
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error])
            seen.setdefault(operation.label, set()).add(response.status_code)
            if response.status_code >= 400:
                body = response.json()
                assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS, response.text

        check()

    for operation in operations:
        run(operation)
    assert len(seen) == len(operations)
    # the fuzzer must reach valid inputs, not only validation errors: most operations answered 200 at
    # least once (how many depends on the draw and on what earlier tests left in the session's store:
    # 7 to 9 of the 16 reached 200 in full-suite and isolated runs)
    assert sum(200 in codes for codes in seen.values()) >= 6, seen
