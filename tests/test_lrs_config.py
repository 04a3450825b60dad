"""``analytics:`` in lmsctl.yml: schema, model, and what ``lmsctl validate`` refuses."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmsctl.cli import cli
from lmsctl.content.loader import load_config
from tests.conftest import MINIMAL_CONFIG

AUTH = "Basic bG1zY3RsLXNpdGU6c2VjcmV0"


def with_analytics(block: str, config: str = MINIMAL_CONFIG) -> dict[str, str | bytes | None]:
    return {"lmsctl.yml": config + block}


def validate(repo: Path) -> tuple[int, list[dict[str, object]]]:
    result = CliRunner().invoke(cli, ["validate", "--format", "json", "--repo", str(repo)])
    return result.exit_code, json.loads(result.stdout)["diagnostics"]


def test_absent_analytics_is_off(make_repo: Callable[..., Path]) -> None:
    config, problems = load_config(make_repo())
    assert problems == []
    assert config.analytics.xapi is None and not config.analytics.recording
    assert config.analytics.min_learners == 5
    assert config.activity_base == "https://example.org/learn/"


def test_analytics_is_read_into_the_model(make_repo: Callable[..., Path]) -> None:
    repo = make_repo(with_analytics(
        "analytics:\n"
        "  xapi:\n"
        "    endpoint: https://lrs.example.com/xAPI\n"
        f'    auth: "{AUTH}"\n'
        "  activity_base: https://acme.example/learning/\n"
        "  min_learners: 8\n"))
    config, problems = load_config(repo)
    assert problems == []
    assert config.analytics.recording
    assert config.analytics.xapi is not None
    assert config.analytics.xapi.endpoint == "https://lrs.example.com/xAPI/"  # "/" added
    assert config.analytics.xapi.auth == AUTH
    assert config.activity_base == "https://acme.example/learning/"
    assert config.analytics.min_learners == 8
    assert validate(repo) == (0, [])


def test_min_learners_alone_records_nothing(make_repo: Callable[..., Path]) -> None:
    config, _ = load_config(make_repo(with_analytics("analytics:\n  min_learners: 10\n")))
    assert not config.analytics.recording and config.analytics.min_learners == 10


def test_http_endpoint_for_an_https_site_is_refused_at_its_line(
        make_repo: Callable[..., Path]) -> None:
    repo = make_repo(with_analytics(
        "analytics:\n"
        "  xapi:\n"
        "    endpoint: http://lrs.example.com/xAPI/\n"
        f'    auth: "{AUTH}"\n'))
    code, found = validate(repo)
    assert code == 1
    [d] = found
    line = MINIMAL_CONFIG.count("\n") + 3
    assert (d["rule"], d["path"], d["line"], d["column"]) == ("LMS220", "lmsctl.yml", line, 15)
    assert "is http:// but the site is https://" in str(d["message"])
    assert "https://lrs.example.com/xAPI/" in str(d["hint"])


@pytest.mark.parametrize("endpoint", ["http://127.0.0.1:8100/xAPI/", "http://localhost:8100/x/"])
def test_a_local_lrs_over_http_is_fine(make_repo: Callable[..., Path], endpoint: str) -> None:
    repo = make_repo(with_analytics(
        f'analytics:\n  xapi:\n    endpoint: {endpoint}\n    auth: "{AUTH}"\n'))
    assert validate(repo) == (0, [])


@pytest.mark.parametrize("endpoint", ["https://lrs.example.com", "https://lrs.example.com/"])
def test_endpoint_without_a_path_is_refused(make_repo: Callable[..., Path],
                                            endpoint: str) -> None:
    repo = make_repo(with_analytics(
        f'analytics:\n  xapi:\n    endpoint: {endpoint}\n    auth: "{AUTH}"\n'))
    code, found = validate(repo)
    assert code == 1
    assert [d["rule"] for d in found] == ["LMS220"]
    assert "has no path" in str(found[0]["message"])
    assert "https://lrs.example.com/xAPI/" in str(found[0]["hint"])


def test_records_without_any_base_url_are_refused(make_repo: Callable[..., Path]) -> None:
    config = MINIMAL_CONFIG.replace("  url: https://example.org/learn/\n", "")
    repo = make_repo(with_analytics(
        f'analytics:\n  xapi:\n    endpoint: https://lrs.example.com/xAPI/\n    auth: "{AUTH}"\n',
        config))
    code, found = validate(repo)
    assert code == 1 and [d["rule"] for d in found] == ["LMS221"]


@pytest.mark.parametrize("block, where", [
    ("analytics:\n  xapi:\n    endpoint: https://lrs.example.com/xAPI/\n", "auth"),
    ('analytics:\n  xapi:\n    endpoint: https://l.example/x/\n    auth: "user:pass"\n', "auth"),
    ('analytics:\n  xapi:\n    endpoint: lrs.example.com/xAPI\n    auth: "Basic YQ=="\n',
     "endpoint"),
    ("analytics:\n  min_learners: 0\n", "min_learners"),
    ("analytics:\n  tracking: true\n", "tracking"),
])
def test_schema_errors_point_at_the_key(make_repo: Callable[..., Path], block: str,
                                        where: str) -> None:
    code, found = validate(make_repo(with_analytics(block)))
    assert code == 1
    assert found and all(d["path"] == "lmsctl.yml" for d in found)
    assert any(where in str(d["message"]) or where in str(d.get("hint")) for d in found), found


def test_schema_describes_every_analytics_key() -> None:
    root = Path(__file__).resolve().parent.parent
    schema = json.loads((root / "schemas" / "lmsctl.schema.json").read_text())
    analytics = schema["properties"]["analytics"]
    keys = [analytics, *analytics["properties"].values(),
            *analytics["properties"]["xapi"]["properties"].values()]
    assert all(len(k["description"]) > 20 for k in keys)
    assert "write-only" in analytics["properties"]["xapi"]["properties"]["auth"][
        "description"].lower()
