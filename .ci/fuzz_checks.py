"""Schemathesis checks for Accord's bounded fuzz run (loaded through SCHEMATHESIS_HOOKS).

A GraphQL error is HTTP 200, so a server fault hides in the body: any `INTERNAL` code fails the run,
as does any 5xx (schemathesis's own `not_a_server_error` also covers that, and dropped connections
surface as network errors)."""

import schemathesis


@schemathesis.check
def no_internal_error(ctx, response, case):
    if response.status_code >= 500:
        raise AssertionError(f"server error {response.status_code}: {response.text[:300]}")
    if b'"INTERNAL"' in response.content:
        raise AssertionError(f"INTERNAL error code in the response: {response.text[:300]}")
