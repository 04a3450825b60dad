"""Validation: one small tree per fault, each asserting rule, file, line and column."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmsctl.checks.validate import validate_repository
from tests.conftest import MINIMAL_COURSE, MINIMAL_LESSON, build_tree, minimal_files

COURSE = "courses/sales-basics/course.yml"
LESSON = "courses/sales-basics/lessons/01-discovery-questions.md"


def found(root: Path) -> list[tuple[str, str, int, int]]:
    _, report = validate_repository(root)
    return [(d.rule, d.path, d.line, d.column) for d in report.sorted()]


def test_minimal_repository_is_clean(make_repo: Callable[..., Path]) -> None:
    assert found(make_repo()) == []


def test_sample_repository_is_clean(sample_repo: Path) -> None:
    repo, report = validate_repository(sample_repo)
    assert report.sorted() == []
    # What the shipped sample promises; authors' own courses may differ in size.
    assert sum(1 for c in repo.courses if 2 <= len(c.lessons) <= 5) >= 4
    assert len(repo.paths) >= 2
    for course in repo.courses:
        assert course.questions, course.id
        for q in course.questions:
            assert all(c.explanation for c in q.choices), (course.id, q.question)


def test_schemas_folder_matches_package() -> None:
    root = Path(__file__).resolve().parent.parent
    for name in ("course", "lesson", "quiz", "path", "lmsctl"):
        packaged = (root / "lmsctl" / "schemas" / f"{name}.schema.json").read_bytes()
        assert (root / "schemas" / f"{name}.schema.json").read_bytes() == packaged, name


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({COURSE: MINIMAL_COURSE + "title: Again\n"},
                     [("LMS105", COURSE, 8, 1)], id="duplicate-key"),
        pytest.param({COURSE: MINIMAL_COURSE + "audience: &a [sales]\ntags: *a\n"},
                     [("LMS106", COURSE, 8, 11), ("LMS106", COURSE, 9, 7)], id="anchor-alias"),
        pytest.param({COURSE: MINIMAL_COURSE + "tags: !!python/object/apply:os.system [id]\n"},
                     [("LMS107", COURSE, 8, 7)], id="python-tag"),
        pytest.param({COURSE: MINIMAL_COURSE + "evaluation:\n\tpass_mark: 80\n"},
                     [("LMS100", COURSE, 9, 1)], id="tab-indentation"),
        pytest.param({COURSE: MINIMAL_COURSE.encode() + b"tags: [caf\xe9]\n"},
                     [("LMS101", COURSE, 8, 11)], id="invalid-utf8"),
        pytest.param({COURSE: ""}, [("LMS101", COURSE, 1, 1)], id="empty-file"),
        pytest.param({COURSE: "<delete>", f"{COURSE}/x": "folder"},
                     [("LMS101", COURSE, 1, 1)], id="folder-for-file"),
        pytest.param({COURSE: "<delete>"}, [("LMS110", COURSE, 1, 1)], id="no-course-yml"),
        pytest.param({COURSE: MINIMAL_COURSE.replace("title: Sales basics\n", "")},
                     [("LMS102", COURSE, 1, 1)], id="missing-title"),
        pytest.param({COURSE: MINIMAL_COURSE + "titel: x\n"}, [("LMS103", COURSE, 8, 1)],
                     id="unknown-key"),
        pytest.param({COURSE: MINIMAL_COURSE.replace("beginner", "expert")},
                     [("LMS104", COURSE, 4, 8)], id="bad-level"),
        pytest.param({COURSE: MINIMAL_COURSE.replace('["@jdoe"]', "[jdoe]")},
                     [("LMS104", COURSE, 3, 10)], id="bad-owner"),
        pytest.param({LESSON: MINIMAL_LESSON.split("  choices:")[0] + "```\n"},
                     [("LMS102", LESSON, 12, 3)], id="question-without-choices"),
        pytest.param({LESSON: MINIMAL_LESSON.replace("      correct: true\n", "")},
                     [("LMS121", LESSON, 13, 3)], id="no-correct-choice"),
        pytest.param({LESSON: MINIMAL_LESSON.replace("    - text: Is Tuesday good?\n",
                                                     "    - correct: false\n")},
                     [("LMS102", LESSON, 19, 7)], id="choice-without-text"),
        pytest.param({COURSE: MINIMAL_COURSE + "prerequisites: [sales-basic]\n"},
                     [("LMS201", COURSE, 8, 17)], id="unknown-prerequisite"),
        pytest.param({COURSE: MINIMAL_COURSE.replace("[discovery]", "[negociation]")},
                     [("LMS205", COURSE, 5, 10)], id="unknown-skill"),
        pytest.param({LESSON: MINIMAL_LESSON + "\n![Funnel](../assets/funnel.png)\n"},
                     [("LMS207", LESSON, 23, 1)], id="image-missing"),
        pytest.param({LESSON: MINIMAL_LESSON + "\n![Logo](../../other/assets/logo.png)\n",
                      "courses/other/assets/logo.png": b"png"},
                     None, id="image-outside"),
        pytest.param({LESSON: MINIMAL_LESSON + "\nSee ![x](/etc/passwd).\n"},
                     [("LMS208", LESSON, 23, 5)], id="image-absolute"),
        pytest.param({"courses/Sales_Basics/course.yml": MINIMAL_COURSE,
                      "courses/Sales_Basics/lessons/01-a.md": MINIMAL_LESSON},
                     [("LMS200", "courses/Sales_Basics/course.yml", 1, 1)],
                     id="course-id-not-slug"),
        pytest.param({"courses/sales-basics/lessons/02-discovery-questions.md": MINIMAL_LESSON},
                     [("LMS209", "courses/sales-basics/lessons/02-discovery-questions.md", 1, 1)],
                     id="duplicate-lesson-id"),
        pytest.param({COURSE: MINIMAL_COURSE + "lessons: [01-discovery-questions.md, 02-x.md]\n"},
                     [("LMS206", COURSE, 8, 38)], id="listed-lesson-missing"),
        pytest.param({LESSON: "# No front matter\n"}, None, id="no-front-matter"),
        pytest.param({"lmsctl.yml": "site:\n  title: T\nskills: {Bad Skill: {title: x}}\n"},
                     None, id="config-bad-skill-id"),
    ],
)
def test_fault(make_repo: Callable[..., Path], changes: dict[str, str | bytes | None],
               expected: list[tuple[str, str, int, int]] | None) -> None:
    result = found(make_repo(changes))
    if expected is not None:
        assert result == expected
    else:
        assert result, "expected at least one diagnostic"


def test_quiz_mapping_reported_as_quiz_rule(make_repo: Callable[..., Path]) -> None:
    lesson = "---\ntitle: T\n---\nText.\n\n```quiz\nquestion: Which?\nchoices: []\n```\n"
    assert found(make_repo({LESSON: lesson})) == [("LMS120", LESSON, 7, 1)]


def test_image_outside_course_folder(make_repo: Callable[..., Path]) -> None:
    root = make_repo({LESSON: MINIMAL_LESSON + "\n![Logo](../../other/assets/logo.png)\n",
                      "courses/other/assets/logo.png": b"png"})
    rules = [r for r in found(root) if r[1] == LESSON]
    assert ("LMS208", LESSON, 23, 1) in rules


def test_symlink_leaving_course_is_refused(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"png")
    root = make_repo({LESSON: MINIMAL_LESSON + "\n![Logo](../assets/logo.png)\n",
                      "courses/sales-basics/assets": None})
    os.symlink(secret, root / "courses/sales-basics/assets/logo.png")
    assert ("LMS208", LESSON, 23, 1) in found(root)


def test_existing_image_inside_course_is_fine(make_repo: Callable[..., Path]) -> None:
    root = make_repo({LESSON: MINIMAL_LESSON + "\n![Logo](../assets/logo.png)\n",
                      "courses/sales-basics/assets/logo.png": b"png"})
    assert found(root) == []


def test_prerequisite_cycle_is_named(make_repo: Callable[..., Path]) -> None:
    other = MINIMAL_COURSE.replace("Sales basics", "Advanced") + "prerequisites: [sales-basics]\n"
    root = make_repo({COURSE: MINIMAL_COURSE + "prerequisites: [advanced]\n",
                      "courses/advanced/course.yml": other,
                      "courses/advanced/lessons/01-a.md": MINIMAL_LESSON})
    _, report = validate_repository(root)
    cycles = [d for d in report.diagnostics if d.rule == "LMS202"]
    assert len(cycles) == 1
    assert (cycles[0].path, cycles[0].line, cycles[0].column) == (
        "courses/advanced/course.yml", 8, 17)
    assert "advanced -> sales-basics -> advanced" in cycles[0].message


def test_path_unknown_and_duplicate_courses(make_repo: Callable[..., Path]) -> None:
    path = ('title: P\nowners: ["@a"]\ncourses:\n  - sales-basics\n  - nope\n'
            "  - {id: sales-basics, optional: true}\n")
    assert found(make_repo({"paths/p.yml": path})) == [
        ("LMS203", "paths/p.yml", 5, 5), ("LMS204", "paths/p.yml", 6, 5)]


def test_path_file_name_not_slug(make_repo: Callable[..., Path]) -> None:
    path = 'title: P\nowners: ["@a"]\ncourses: [sales-basics]\n'
    result = found(make_repo({"paths/Sales Path.yml": path}))
    assert result == [("LMS200", "paths/Sales Path.yml", 1, 1)]


def test_underscore_folders_are_not_courses(make_repo: Callable[..., Path]) -> None:
    assert found(make_repo({"courses/_templates/x/lesson.md": "whatever"})) == []


def test_messages_have_hints(make_repo: Callable[..., Path]) -> None:
    root = make_repo({COURSE: MINIMAL_COURSE.replace("[discovery]", "[Discovery Calls]")
                      + "prerequisites: [nope]\n"})
    _, report = validate_repository(root)
    assert report.diagnostics
    for d in report.diagnostics:
        assert d.hint, d
    slug = next(d for d in report.diagnostics if d.rule == "LMS200")
    assert "discovery-calls" in slug.hint


PARTS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(course=PARTS, front=PARTS, quiz=PARTS)
def test_arbitrary_content_never_raises(tmp_path_factory: pytest.TempPathFactory, course: str,
                                        front: str, quiz: str) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    files = minimal_files()
    files[COURSE] = course
    files[LESSON] = f"---\n{front}\n---\nBody\n\n```quiz\n{quiz}\n```\n"
    build_tree(root, files)
    _, report = validate_repository(root)
    for d in report.diagnostics:
        assert d.line >= 1 and d.column >= 1 and d.message


def test_yes_for_correct_is_one_clear_message(make_repo: Callable[..., Path]) -> None:
    root = make_repo({LESSON: MINIMAL_LESSON.replace("correct: true", "correct: yes")})
    _, report = validate_repository(root)
    assert [(d.rule, d.line, d.column) for d in report.sorted()] == [("LMS104", 15, 16)]
    assert "true or false" in report.diagnostics[0].hint


def test_number_where_text_belongs_suggests_quotes(make_repo: Callable[..., Path]) -> None:
    root = make_repo({COURSE: MINIMAL_COURSE.replace("title: Sales basics", "title: 2026")})
    _, report = validate_repository(root)
    [d] = report.sorted()
    assert (d.rule, d.line, d.column) == ("LMS104", 1, 8)
    assert 'quotes: "2026"' in d.hint


@pytest.mark.parametrize(("text", "slug"), [
    ("Éclair basics", "eclair-basics"), ("Bad ID!", "bad-id"),
    ("Straße & Ørsted", "strasse-orsted"), ("Œuvre  Æsir", "oeuvre-aesir"),
    ("Łódź đak þing", "lodz-dak-thing"), ("日本語", ""),
])
def test_slugify(text: str, slug: str) -> None:
    from lmsctl.core.ids import slugify

    assert slugify(text) == slug


def test_missing_asset_named_by_reference_definition(make_repo: Callable[..., Path]) -> None:
    root = make_repo({LESSON: MINIMAL_LESSON + "\n![Funnel][f]\n\n[f]: ../assets/funnel.png\n"})
    assert found(root) == [("LMS207", LESSON, 25, 6)]
