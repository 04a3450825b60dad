"""Rules that ``validate`` checks: files, YAML, schemas (LMS1xx) and references (LMS2xx)."""

from __future__ import annotations

from lmsctl.core.diagnostics import Rule, Severity, diag_from

E = Severity.ERROR

#: The validation rules, in order (an explicit list: nothing registers itself).
RULES: list[Rule] = []

for _id, _summary, _fix, _bad, _good in [
    ("LMS100", "YAML syntax error",
     "Check indentation (spaces, not tabs), colons after keys, and closing quotes or brackets.",
     "title: 'Handling objections", "title: 'Handling objections'"),
    ("LMS101", "File cannot be read",
     "Save the file as UTF-8 text, make sure it is a file (not a folder) and not empty.",
     "(an empty course.yml)", "title: Handling pricing objections"),
    ("LMS102", "Required key is missing",
     "Add the key with a value; see the schema in schemas/ for what it holds.",
     "summary: Turn objections into value talks.", "title: Handling pricing objections\n"
     "summary: Turn objections into value talks."),
    ("LMS103", "Unknown key",
     "Remove the key or fix its spelling; the hint lists the keys that are allowed here.",
     "titel: Handling pricing objections", "title: Handling pricing objections"),
    ("LMS104", "Value has the wrong type or is not allowed",
     "Change the value to what the message asks for.",
     "level: expert", "level: advanced"),
    ("LMS105", "Duplicate key",
     "Keep one of the two keys; YAML would otherwise silently use the last one.",
     "title: A\ntitle: B", "title: A"),
    ("LMS106", "YAML anchors and aliases are not allowed",
     "Write the value out in full instead of using & and *.",
     "owners: &o [\"@a\"]\nreviewers: *o", "owners: [\"@a\"]"),
    ("LMS107", "YAML tags are not allowed",
     "Remove the tag (the word starting with ! or !!) and write a plain value.",
     "title: !!python/object/apply:os.system [ls]", "title: Handling pricing objections"),
    ("LMS110", "Course folder without course.yml",
     "Create courses/<id>/course.yml (lmsctl new-course does it for you), or rename the folder "
     "to start with _ if it is not a course.",
     "courses/sales-basics/lessons/01-intro.md (no course.yml)",
     "courses/sales-basics/course.yml"),
    ("LMS111", "Lesson front matter is missing or invalid",
     "Start the lesson with a block between two --- lines holding at least `title:`.",
     "# Why customers object", "---\ntitle: Why customers object\n---"),
    ("LMS120", "Quiz block is not valid",
     "A quiz block is a YAML list of questions, each with `question:` and `choices:`.",
     "```quiz\nquestion: What?\n```",
     "```quiz\n- question: What?\n  choices:\n    - text: A\n      correct: true\n```"),
    ("LMS121", "Question without a correct choice",
     "Mark at least one choice with `correct: true`.",
     "- text: A\n- text: B", "- text: A\n  correct: true\n- text: B"),
    ("LMS200", "Id is not a slug",
     "Use lowercase letters, digits and single hyphens, e.g. handling-pricing-objections.",
     "courses/Sales_Basics/", "courses/sales-basics/"),
    ("LMS201", "Unknown prerequisite",
     "Use the id (folder name) of an existing course, or remove the prerequisite.",
     "prerequisites: [sales-basic]", "prerequisites: [sales-basics]"),
    ("LMS202", "Prerequisites form a cycle",
     "Remove one prerequisite of the cycle so that courses can be taken in order.",
     "a requires b, b requires a", "a requires b"),
    ("LMS203", "Path names an unknown course",
     "Use the id (folder name) of an existing course, or remove it from the path.",
     "courses: [sales-basic]", "courses: [sales-basics]"),
    ("LMS204", "Path lists a course twice",
     "Keep the course once, at the place in the order where learners should take it.",
     "courses: [a, b, a]", "courses: [a, b]"),
    ("LMS205", "Unknown skill",
     "Use a skill declared under `skills:` in lmsctl.yml, or declare the new skill there.",
     "skills: [negociation]", "skills: [negotiation]"),
    ("LMS206", "Lesson listed in `lessons:` does not exist",
     "List the file names of lessons in the lessons/ folder, e.g. 01-why-customers-object.md.",
     "lessons: [01-intro.md]  # no such file", "lessons: [01-why-customers-object.md]"),
    ("LMS207", "Image or linked file does not exist",
     "Put the file in the course's assets/ folder and link to it as ../assets/<file>.",
     "![Funnel](../assets/funel.png)", "![Funnel](../assets/funnel.png)"),
    ("LMS208", "Image or linked file is outside the course folder",
     "Copy the file into this course's assets/ folder and link to it as ../assets/<file>.",
     "![Logo](../../other-course/assets/logo.png)", "![Logo](../assets/logo.png)"),
    ("LMS209", "Two lessons have the same id",
     "Rename one lesson file: a lesson's id is its file name without the number prefix.",
     "01-intro.md and 02-intro.md", "01-intro.md and 02-first-call.md"),
    ("LMS210", "Course has no lessons",
     "Add a lesson: lmsctl new-lesson <course> \"Title\".",
     "courses/x/lessons/ (empty)", "courses/x/lessons/01-welcome.md"),
    ("LMS211", "File is too large to read",
     "Split the file; lessons should be short anyway.",
     "(a 2 MB lesson)", "(two 1,000-word lessons)"),
    ("LMS215", "Lesson nests too deeply or has too many brackets in one paragraph",
     "Keep lists and blockquotes under 64 levels of nesting (indentation counts a level per "
     "two columns) and a paragraph under 10,000 `[` and 10,000 `<`; split or flatten the text. "
     "Beyond these limits the page renderer takes minutes or fails.",
     "(a list nested 600 levels deep)", "(a list nested 3 levels deep)"),
    ("LMS214", "Link to a lesson or course that does not exist",
     "Link to a lesson by its file name, relative to the lesson (02-clarify.md, "
     "../../other-course/lessons/01-intro.md), or to a course by its folder "
     "(../../other-course/); the link on the page would otherwise lead nowhere.",
     "[expenses](../../expense-policy/)  # no courses/expense-policy/",
     "[expenses](../../travel-and-expenses/)"),
    ("LMS219", "Unknown goal",
     "Use a goal declared under `goals:` in lmsctl.yml (the hint suggests the nearest), or "
     "declare the goal there with its title and owner.",
     "goals: [faster-ramp-upp]", "goals: [faster-ramp-up]"),
    ("LMS220", "The site cannot send learning records to this LRS endpoint",
     "Give the LRS's xAPI base URL with its path (e.g. https://lrs.example.com/xAPI/), over "
     "https:// when the site is (browsers block http:// requests from https:// pages; "
     "http://127.0.0.1 and http://localhost are allowed for lmsctl lrs).",
     "site: {url: https://learn.example.com/}\n"
     "analytics: {xapi: {endpoint: http://lrs.example.com, auth: ...}}",
     "site: {url: https://learn.example.com/}\n"
     "analytics: {xapi: {endpoint: https://lrs.example.com/xAPI/, auth: ...}}"),
    ("LMS221", "Learning records need a base for activity ids",
     "Set site.url (or analytics.activity_base): every activity id starts with it.",
     "site: {title: Learning}\nanalytics: {xapi: {...}}",
     "site: {title: Learning, url: https://learn.example.com/}\nanalytics: {xapi: {...}}"),
    ("LMS222", "Featured path does not exist",
     "List the ids (file names without .yml) of paths in paths/ under `featured_paths:` in "
     "lmsctl.yml, or remove the id.",
     "featured_paths: [sales-onbording]", "featured_paths: [sales-onboarding]"),
]:
    RULES.append(Rule(id=_id, severity=E, summary=_summary, fix=_fix, bad=_bad, good=_good))

RULES += [
    Rule("LMS212", Severity.WARNING, "Link does not lead to a page of the site",
         "Found while building: the site engine could not resolve this link to a page or file "
         "of the built site.", "[Next](../03-missing.md)", "[Next](02-how-to-ask.md)",
         "Link to another lesson by its file name (02-name.md), to a file in the course's "
         "assets/ folder, or to a full web address (https://...).", "build"),
    Rule("LMS213", Severity.WARNING, "Git history is shallow: dates and contributors left out",
         "A build from a shallow clone cannot know when courses changed or who wrote them, so "
         "it leaves dates, contributors, freshness and what's new out (and fails under "
         "--strict).", "", "",
         "Fetch the whole history: `git fetch --unshallow`, or in GitHub Actions `fetch-depth: "
         "0` on actions/checkout (GitLab: GIT_DEPTH: \"0\").", "build"),
]

#: ``diag(rule_id, path, line, column, message, hint=None)`` for the rules above.
diag = diag_from(RULES)
