"""The JSON API keeps its published contract (chatbot/web/openapi.json): schemathesis generates
valid and invalid requests from it; any 5xx or response not matching the schema fails."""

import json

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from tests.test_rate_limits import limited_app


def test_openapi_description_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.is_json
    document = response.get_json()
    assert document["openapi"].startswith("3.")
    responses = document["paths"]["/api/chat"]["post"]["responses"]
    assert {"200", "400", "413", "429"} <= set(responses)


def test_api_chat_matches_its_openapi_description(app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operation = schema["/api/chat"]["POST"]
    calls = []

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def run(case):
        # The WSGI transport does not unzip: ask for the plain body (Flask-Compress gzips).
        # Refusals depend on the text (personal data, empty once trimmed), which a schema
        # cannot say: a schema-valid question may get a documented 400.
        response = case.call_and_validate(headers={"Accept-Encoding": "identity"},
                                          excluded_checks=[positive_data_acceptance])
        calls.append(response.status_code)
        assert response.status_code < 500

    run()
    assert calls and set(calls) <= {200, 400, 413}, calls


def test_rate_limited_and_oversize_answers_match_the_description(app, tmp_path,
                                                                  chatbot_cache_dir):
    """429 and body-size 413 come from the error handlers, not the view: same Error shape."""
    operation = schemathesis.openapi.from_wsgi("/api/openapi.json", app)["/api/chat"]["POST"]
    big = app.test_client().post("/api/chat", data=json.dumps({"question": "x" * 300_000}),
                                 content_type="application/json")
    assert big.status_code == 413
    operation.validate_response(big)
    client = limited_app(tmp_path, chatbot_cache_dir).test_client()
    statuses = [client.post("/api/chat", json={"question": ""}) for _ in range(21)]
    assert statuses[-1].status_code == 429
    operation.validate_response(statuses[-1])
