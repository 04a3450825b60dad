"""``lmsctl export``: SCORM 1.2, SCORM 2004 and xAPI packages of the sample courses.

Golden manifests (tests/golden/export/; regenerate after a deliberate change with
``LMSCTL_UPDATE_GOLDEN=1 python -m pytest tests/test_export.py``), every manifest validated
against the shipped XSDs, the package's files (every page and asset of the course, listed in
the manifest, relative URLs only, nothing from the network, no link out of the package), and
the command line: drafts, validation errors like ``build``, unknown ids, atomic writes."""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from lmsctl.cli import cli
from lmsctl.content.loader import load_repository
from lmsctl.core.model import Repository
from lmsctl.targets.scorm.export import TEMP_PREFIX, export_courses, write_zip
from tests.scorm_support import manifest_errors
from tests.site_support import copy_sample

GOLDEN = Path(__file__).resolve().parent / "golden" / "export"
SCORM = ("scorm12", "scorm2004")
NS = {"scorm12": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
      "scorm2004": "http://www.imsglobal.org/xsd/imscp_v1p1"}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@dataclass
class Exports:
    repo: Path
    model: Repository
    zips: dict[tuple[str, str], Path]  # (course, format) -> zip


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Exports:
    base = tmp_path_factory.mktemp("export")
    repo = copy_sample(base / "repo")
    model, _ = load_repository(repo)
    ids = [c.id for c in model.courses if c.status != "draft"]
    zips = {}
    result = export_courses(repo, ids, [*SCORM, "xapi"], base / "dist")
    for package in result.packages:
        zips[(package.course, package.format)] = package.zip
    return Exports(repo, model, zips)


def members(zip_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(zip_path) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_one_zip_per_course_and_format_named_course_format(exports: Exports) -> None:
    for (course, fmt), path in exports.zips.items():
        assert path.name == f"{course}-{fmt}.zip"
        assert zipfile.is_zipfile(path)
    assert not [p for p in next(iter(exports.zips.values())).parent.iterdir()
                if p.name.startswith(TEMP_PREFIX)]


@pytest.mark.parametrize("fmt", SCORM)
def test_manifests_are_valid_against_the_scorm_xsds_and_match_the_golden_files(
        exports: Exports, fmt: str) -> None:
    for (course, f), path in sorted(exports.zips.items()):
        if f != fmt:
            continue
        xml = members(path)["imsmanifest.xml"]
        assert manifest_errors(fmt, xml) == [], course
        golden = GOLDEN / f"{course}-{fmt}.xml"
        if os.environ.get("LMSCTL_UPDATE_GOLDEN"):
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_bytes(xml)
        assert golden.is_file(), f"missing {golden}; run with LMSCTL_UPDATE_GOLDEN=1"
        assert xml.decode() == golden.read_text(encoding="utf-8"), course


def test_an_invalid_manifest_is_caught_by_the_validation(exports: Exports) -> None:
    """The XSD check can fail: a broken mastery measure and a misplaced element are found."""
    course = next(c for (c, f) in exports.zips if f == "scorm2004")
    xml = members(exports.zips[(course, "scorm2004")])["imsmanifest.xml"]
    assert manifest_errors("scorm2004", xml.replace(b'satisfiedByMeasure="true"',
                                                    b'satisfiedByMeasure="always"'))
    xml12 = members(exports.zips[(course, "scorm12")])["imsmanifest.xml"]
    assert manifest_errors("scorm12", xml12.replace(b"<organizations ", b"<organisations ")
                           .replace(b"</organizations>", b"</organisations>"))


@pytest.mark.parametrize("fmt", SCORM)
def test_mastery_from_pass_mark_and_one_sco_at_the_launch_page(exports: Exports,
                                                                fmt: str) -> None:
    for (course_id, f), path in exports.zips.items():
        if f != fmt:
            continue
        course = exports.model.course(course_id)
        assert course is not None
        root = ElementTree.fromstring(members(path)["imsmanifest.xml"])
        resources = root.findall(f"{{{NS[fmt]}}}resources/{{{NS[fmt]}}}resource")
        assert len(resources) == 1 and resources[0].get("href") == "index.html"
        text = members(path)["imsmanifest.xml"].decode()
        if fmt == "scorm12":
            assert f"<adlcp:masteryscore>{course.pass_mark}</adlcp:masteryscore>" in text
        else:
            m = re.search(r"<imsss:minNormalizedMeasure>([0-9.]+)<", text)
            assert m and float(m.group(1)) == course.pass_mark / 100
            assert 'satisfiedByMeasure="true"' in text


def test_every_page_and_asset_is_in_the_zip_and_listed_in_the_manifest(
        exports: Exports) -> None:
    for (course_id, fmt), path in exports.zips.items():
        files = members(path)
        course = exports.model.course(course_id)
        assert course is not None
        expected_pages = {f"courses/{course_id}/index.html"} | {
            f"courses/{course_id}/{lesson.id}/index.html" for lesson in course.lessons}
        assert expected_pages <= set(files), course_id
        assets = exports.repo / "courses" / course_id / "assets"
        if assets.is_dir():
            for asset in assets.rglob("*"):
                if asset.is_file():
                    rel = asset.relative_to(exports.repo).as_posix()
                    assert rel in files, f"{rel} missing from {path.name}"
        html = [n for n in files if n.startswith("courses/") and n.endswith(".html")]
        assert sorted(html) == sorted(expected_pages), "no page of another course"
        if fmt in SCORM:
            root = ElementTree.fromstring(files["imsmanifest.xml"])
            listed = {f.get("href") for f in root.iter(f"{{{NS[fmt]}}}file")}
            content = {n for n in files if n != "imsmanifest.xml" and not n.endswith(
                (".xsd", ".dtd"))}
            assert listed == content, path.name
        else:
            assert "tincan.xml" in files


_URL = re.compile(rb'\s(href|src)="([^"]*)"')


def test_relative_urls_only_nothing_from_the_network_no_link_out(exports: Exports) -> None:
    for path in exports.zips.values():
        files = members(path)
        for name, data in files.items():
            if not name.endswith(".html"):
                continue
            for attr, url in _URL.findall(data):
                u = url.decode()
                assert not u.startswith("/"), f"{name}: absolute URL {u}"
                if u.startswith(("http:", "https:", "//")):
                    # links to the course's repository (suggest an edit, flag as outdated)
                    # open in a new tab; nothing is loaded from the network
                    assert attr == b"href", f"{name}: loads {u}"
                    continue
                if u.startswith(("#", "mailto:", "data:")):
                    continue
                target = os.path.normpath(os.path.join(os.path.dirname(name),
                                                       u.split("#")[0].split("?")[0]))
                assert target in files, f"{name}: {u} leads out of the package"
        launch = files["index.html"].decode()
        assert not re.search(r'\ssrc="(https?:)?//', launch), "the launch page loads nothing remote"
        assert 'src="assets/lmsctl/package/launch.js"' in launch


def test_same_look_as_the_site_without_site_navigation(exports: Exports) -> None:
    course_id = next(c for (c, f) in exports.zips if f == "scorm12")
    files = members(exports.zips[(course_id, "scorm12")])
    page = files[f"courses/{course_id}/index.html"].decode()
    assert "assets/lmsctl/lmsctl.css" in page and "assets/stylesheets/main." in page
    assert "md-tabs" not in page, "no site tabs"
    assert "catalog" not in re.findall(r'href="([^"]*)"', page)
    assert 'data-lmsctl-question' in files[next(
        n for n in files if n.endswith("/index.html") and n.count("/") == 3
        and b"data-lmsctl-question" in files[n])].decode()


def test_xapi_package_has_tincan_xml_with_the_course_activity(exports: Exports) -> None:
    (course_id, _), path = next((k, v) for k, v in exports.zips.items() if k[1] == "xapi")
    files = members(path)
    root = ElementTree.fromstring(files["tincan.xml"])
    ns = "{http://projecttincan.com/tincan.xsd}"
    activity = root.find(f"{ns}activities/{ns}activity")
    assert activity is not None
    assert activity.get("id") == f"{exports.model.config.site_url}courses/{course_id}/"
    launch = activity.find(f"{ns}launch")
    assert launch is not None and launch.text == "index.html"
    assert "imsmanifest.xml" not in files


def test_the_same_course_gives_the_same_zip(exports: Exports, tmp_path: Path) -> None:
    course_id = next(c for (c, f) in exports.zips if f == "scorm2004")
    again = export_courses(exports.repo, [course_id], "scorm2004", tmp_path)
    digest = [hashlib.sha256(p.read_bytes()).hexdigest()
              for p in (exports.zips[(course_id, "scorm2004")], again.packages[0].zip)]
    assert digest[0] == digest[1]


# -- the command line ------------------------------------------------------------------------


def test_cli_exports_a_course(sample_repo: Path, tmp_path: Path) -> None:
    code, out, err = run("export", "--format", "scorm12", "--course",
                         "handling-pricing-objections", "--repo", str(sample_repo),
                         "--out", str(tmp_path / "dist"))
    assert code == 0, err
    assert (tmp_path / "dist" / "handling-pricing-objections-scorm12.zip").is_file()
    assert "Exported handling-pricing-objections" in out


def test_cli_path_exports_each_course_of_the_path(sample_repo: Path, tmp_path: Path) -> None:
    code, _, err = run("export", "--format", "scorm2004", "--path", "sales-onboarding",
                       "--repo", str(sample_repo), "--out", str(tmp_path))
    assert code == 0, err
    text = (sample_repo / "paths" / "sales-onboarding.yml").read_text()
    for cid in re.findall(r"^\s*-\s*(?:\{id:\s*)?([a-z0-9-]+)", text.split("courses:", 1)[1],
                          re.MULTILINE):
        assert (tmp_path / f"{cid}-scorm2004.zip").is_file(), cid


def test_unknown_course_or_path_is_a_usage_error_with_did_you_mean(sample_repo: Path,
                                                                  tmp_path: Path) -> None:
    tmp_path = tmp_path / "dist"
    code, _, err = run("export", "--format", "scorm12", "--course", "handling-pricing",
                       "--repo", str(sample_repo), "--out", str(tmp_path))
    assert code == 2
    assert "Did you mean handling-pricing-objections" in err
    code, _, err = run("export", "--format", "scorm12", "--path", "sales-onbording",
                       "--repo", str(sample_repo), "--out", str(tmp_path))
    assert code == 2
    assert "Did you mean sales-onboarding" in err
    code, _, err = run("export", "--format", "scorm12", "--repo", str(sample_repo))
    assert code == 2 and "--course" in err
    assert not tmp_path.exists()


def test_drafts_are_refused_unless_drafts(make_repo: Callable[..., Path],
                                          tmp_path: Path) -> None:
    from tests.conftest import MINIMAL_COURSE

    repo = make_repo({"courses/sales-basics/course.yml": MINIMAL_COURSE + "status: draft\n"})
    code, _, err = run("export", "--format", "scorm12", "--course", "sales-basics",
                       "--repo", str(repo), "--out", str(tmp_path / "d"))
    assert code == 1
    assert "courses/sales-basics/course.yml:8:" in err and "--drafts" in err
    assert not (tmp_path / "d" / "sales-basics-scorm12.zip").exists()
    code, _, err = run("export", "--format", "scorm12", "--course", "sales-basics",
                       "--drafts", "--repo", str(repo), "--out", str(tmp_path / "d"))
    assert code == 0, err
    assert (tmp_path / "d" / "sales-basics-scorm12.zip").is_file()


def test_validation_errors_refuse_the_export_exactly_like_build(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:
    from tests.conftest import MINIMAL_COURSE

    repo = make_repo({"courses/sales-basics/course.yml":
                      MINIMAL_COURSE.replace("level: beginner", "level: expert")})
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "sales-basics-scorm12.zip").write_bytes(b"the previous export")
    code, out, err = run("export", "--format", "scorm12", "--course", "sales-basics",
                         "--repo", str(repo), "--out", str(dist))
    b_code, b_out, _ = run("build", "--course", "sales-basics", "--repo", str(repo),
                           "--out", str(tmp_path / "site"))
    assert code == b_code == 1
    # the same Diagnostics in the same format; the summary names the command
    assert out.replace("lmsctl export", "lmsctl build") == b_out
    assert "courses/sales-basics/course.yml:" in out
    assert "was not exported" in err
    assert (dist / "sales-basics-scorm12.zip").read_bytes() == b"the previous export"
    assert sorted(p.name for p in dist.iterdir()) == ["sales-basics-scorm12.zip"]
    # any lint format, as build --format
    code, out, _ = run("export", "--format", "scorm12", "--course", "sales-basics",
                       "--report", "json", "--repo", str(repo), "--out", str(dist))
    b_code, b_out, _ = run("build", "--course", "sales-basics", "--format", "json",
                           "--repo", str(repo), "--out", str(tmp_path / "site"))
    assert code == b_code == 1
    assert json.loads(out)["diagnostics"] == json.loads(b_out)["diagnostics"]


def test_a_failed_zip_write_leaves_the_previous_zip_and_no_temporary_file(
        tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "index.html").write_text("<p>hi</p>")
    dest = tmp_path / "out" / "c-scorm12.zip"
    dest.parent.mkdir()
    dest.write_bytes(b"previous")
    with pytest.raises(FileNotFoundError):
        write_zip({"imsmanifest.xml": b"<x/>", "index.html": folder / "index.html",
                   "missing.css": folder / "missing.css"}, dest)
    assert dest.read_bytes() == b"previous"
    assert [p.name for p in dest.parent.iterdir()] == ["c-scorm12.zip"]


def test_stale_temporary_files_are_cleaned_by_the_next_export(sample_repo: Path,
                                                              tmp_path: Path) -> None:
    tmp_path = tmp_path / "dist"
    tmp_path.mkdir()
    (tmp_path / f"{TEMP_PREFIX}abc.zip.tmp").write_bytes(b"half a zip")
    (tmp_path / f"{TEMP_PREFIX}work").mkdir()
    (tmp_path / "keep.txt").write_text("an author's file")
    code, _, err = run("export", "--format", "scorm12", "--course", "sales-basics",
                       "--repo", str(sample_repo), "--out", str(tmp_path))
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt",
                                                          "sales-basics-scorm12.zip"]


def test_xapi_needs_the_base_of_the_activity_ids(make_repo: Callable[..., Path],
                                                 tmp_path: Path) -> None:
    from tests.conftest import MINIMAL_CONFIG

    repo = make_repo({"lmsctl.yml": MINIMAL_CONFIG.replace(
        "  url: https://example.org/learn/\n", "")})
    code, _, err = run("export", "--format", "xapi", "--course", "sales-basics",
                       "--repo", str(repo), "--out", str(tmp_path / "d"))
    assert code == 2
    assert "site: url:" in err and "hint:" in err
    assert not (tmp_path / "d").exists()


def test_links_the_site_cannot_resolve_are_reported_as_build_reports_them(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:
    """A link to a lesson of a draft course (LMS212): `build` warns about it at its place and
    `build --strict` fails; `export` reports the same Diagnostic, in every report format, and
    `export --strict` fails without writing a zip."""
    from tests.conftest import MINIMAL_COURSE, MINIMAL_LESSON

    lesson = "courses/sales-basics/lessons/01-discovery-questions.md"
    url = "../../draft-course/lessons/01-intro.md"
    text = MINIMAL_LESSON.replace("Because the customer knows things you do not.",
                                  f"Because the customer knows things; see [the draft]({url}).")
    assert url in text
    repo = make_repo({lesson: text,
                      "courses/draft-course/course.yml": MINIMAL_COURSE + "status: draft\n",
                      "courses/draft-course/lessons/01-intro.md": MINIMAL_LESSON})
    lines = text.splitlines()
    line = next(i for i, x in enumerate(lines, 1) if url in x)
    column = lines[line - 1].index("[the draft]") + 1
    where = f"{lesson}:{line}:{column}: warning LMS212 link '{url}'"

    out = tmp_path / "dist"
    built = run("build", "--repo", str(repo), "--out", str(tmp_path / "site"),
                "--course", "sales-basics")
    code, stdout, err = run("export", "--format", "scorm12", "--course", "sales-basics",
                            "--repo", str(repo), "--out", str(out))
    assert built[0] == 0 and where in built[1]
    assert code == 0, err
    assert where in stdout and "hint: " in stdout
    assert (out / "sales-basics-scorm12.zip").is_file()

    code, stdout, _ = run("export", "--format", "scorm12", "--course", "sales-basics",
                          "--repo", str(repo), "--out", str(out), "--report", "json")
    assert code == 0
    [finding] = json.loads(stdout)["diagnostics"]
    assert (finding["rule"], finding["path"], finding["line"], finding["column"]) == (
        "LMS212", lesson, line, column)

    strict_out = tmp_path / "strict"
    built = run("build", "--repo", str(repo), "--out", str(tmp_path / "site2"),
                "--course", "sales-basics", "--strict")
    code, stdout, err = run("export", "--format", "scorm2004", "--course", "sales-basics",
                            "--repo", str(repo), "--out", str(strict_out), "--strict")
    assert built[0] == code == 1
    assert where in stdout and "under --strict" in err and "nothing was written" in err
    assert not list(strict_out.glob("*.zip"))
    code, stdout, _ = run("export", "--format", "scorm12", "--course", "sales-basics",
                          "--repo", str(repo), "--out", str(strict_out), "--strict",
                          "--report", "sarif")
    assert code == 1
    [result] = json.loads(stdout)["runs"][0]["results"]
    assert result["ruleId"] == "LMS212"
    # without the broken link: no finding, and --strict exports
    (repo / lesson).write_text(MINIMAL_LESSON, encoding="utf-8")
    code, stdout, err = run("export", "--format", "scorm12", "--course", "sales-basics",
                            "--repo", str(repo), "--out", str(strict_out), "--strict")
    assert code == 0, stdout + err
    assert "LMS212" not in stdout
