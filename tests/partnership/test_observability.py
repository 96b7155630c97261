"""Production logs are one JSON object a line; Sentry is used only when a DSN is set, and is sent
nothing about people."""

import json

from partnership.observability import sentry_before_send
from tests.partnership.conftest import PRODUCTION_ENV, environment, manage

LOG_A_LINE = "import logging; logging.getLogger('partnership.check').warning('run %s sent', 42)"
SHOW_SENTRY = (
    "import json, sentry_sdk; client = sentry_sdk.get_client(); o = client.options; "
    "print(json.dumps({'active': client.is_active(), 'pii': o['send_default_pii'], "
    "'locals': o['include_local_variables'], 'body': o['max_request_body_size'], "
    "'environment': o['environment'], "
    "'integrations': sorted(client.integrations)}))"
)


def shell(code: str, env: dict[str, str]):
    result = manage("shell", "-v", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return result


def test_production_logs_one_json_object_a_line_and_starts_no_sentry_without_a_dsn():
    result = shell(f"{LOG_A_LINE}; {SHOW_SENTRY}", env=environment(**PRODUCTION_ENV))

    assert json.loads(result.stdout)["active"] is False
    (line,) = [line for line in result.stderr.splitlines() if "partnership.check" in line]
    record = json.loads(line)
    assert record["level"] == "WARNING"
    assert record["logger"] == "partnership.check"
    assert record["message"] == "run 42 sent"
    assert "time" in record


def test_development_logs_plain_lines():
    result = shell(LOG_A_LINE, env=environment())

    (line,) = [line for line in result.stderr.splitlines() if "partnership.check" in line]
    assert line.endswith("WARNING partnership.check run 42 sent")


def test_with_a_dsn_sentry_reports_from_django_and_celery_and_is_sent_nothing_about_people():
    # An address nothing listens on: no event is sent unless something fails.
    env = environment(**PRODUCTION_ENV, SENTRY_DSN="https://publickey@127.0.0.1:9/1")

    client = json.loads(shell(SHOW_SENTRY, env=env).stdout)
    assert client["active"] is True
    assert client["environment"] == "production"
    assert {"django", "celery"} <= set(client["integrations"])
    assert (client["pii"], client["locals"], client["body"]) == (False, False, "never")


def test_an_error_report_keeps_the_path_and_method_but_not_what_was_typed():
    event = {
        "request": {
            "url": "https://dapb.example.org/referrals/new/",
            "method": "POST",
            "data": {"postcode": "AB1 2CD"},
            "query_string": "q=AB1+2CD",
            "cookies": {"sessionid": "abc"},
            "headers": {"Referer": "https://dapb.example.org/referrals/?q=AB1"},
        },
        "user": {"id": 7},
    }

    sent = sentry_before_send(event, {})

    assert sent["request"] == {"url": "https://dapb.example.org/referrals/new/", "method": "POST"}
    assert "user" not in sent
