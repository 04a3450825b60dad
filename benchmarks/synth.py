"""Generate a synthetic course catalog for benchmarks: N courses x 6 lessons of ~600 words,
each lesson with headings, a list, code, a table, an image and a quiz, in text drawn from a
vocabulary of 6,000 words with a natural (Zipf-like) frequency spread, so that search indexes
and compression behave as on real courses (deterministic: the same seed writes the same files);
and, for analytics,
realistic xAPI statements of N learners on that catalog (DESIGN section 8).

    python -m benchmarks.synth OUT_DIR --courses 1000 [--lessons 6]
    python -m benchmarks.synth OUT_DIR --courses 50 --learners 10000 --statements OUT.ndjson
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import random
import shutil
import uuid
from pathlib import Path

#: The most frequent words, most frequent first: English function words, then the vocabulary
#: of corporate learning. The rest of the vocabulary is made of syllables (``_vocabulary``).
COMMON = (
    "the of and to a in is that for it as with be on not this are by or you your can at from "
    "an have they we more when what which will one if their but about each all there so do "
    "how them then other these some first into than only use also may most after before "
    "should make need ask know because who where step way time work help why often every "
    "many well good new just both does very next part same much own between without again"
).split() + (
    "customer value price budget discovery question listen outcome risk team review process "
    "meeting decision owner evidence example practice feedback goal metric pipeline contract "
    "renewal objection context summary checklist handover workflow project manager report "
    "plan data quality change account support service product market sale deal proposal "
    "stakeholder priority deadline estimate scope release incident security access policy "
    "training onboarding mentor coach skill course lesson learner answer note draft version "
    "approval request issue ticket document template standard audit control compliance "
    "privacy password email call agenda minutes action follow call-back escalation contact "
    "partner vendor supplier invoice payment order forecast target quota territory lead "
    "prospect demo trial pricing discount margin revenue cost saving benefit case study "
    "interview hiring candidate role responsibility delegation conflict trust culture "
    "communication presentation slide story audience message clarity tone writing editing "
    "spreadsheet dashboard chart trend baseline experiment hypothesis test result insight "
    "analysis research survey sample segment persona journey experience design prototype "
    "requirement specification architecture system server database backup recovery "
    "deployment monitoring alert runbook on-call handbook guideline principle habit routine"
).split()
_ONSETS = ("b bl br c ch cl cr d dr f fl fr g gl gr h j k l m n p pl pr qu r s sc sh sk sl "
           "sm sn sp st str t th tr v w wh z").split()
_VOWELS = "a e i o u ai ea ee io oa ou".split()
_CODAS = ("", "", "", "n", "r", "l", "s", "t", "nd", "nt", "rk", "st", "ck", "m", "ng", "x")
_SUFFIXES = ("", "", "", "", "er", "ing", "ed", "ment", "ness", "ly", "able", "ion", "al", "ive")


def _vocabulary(size: int, seed: int = 3) -> list[str]:
    """``COMMON`` then made-up words (one to three syllables, a suffix) up to ``size``."""
    rng = random.Random(seed)
    words = list(dict.fromkeys(COMMON))
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
                       for _ in range(rng.choice((1, 2, 2, 2, 3)))) + rng.choice(_SUFFIXES)
        if 3 <= len(word) <= 14 and word not in seen:
            seen.add(word)
            words.append(word)
    return words


#: 6,000 words; word number r (from 1) is drawn with a probability proportional to
#: 1 / (r + 2.7) (Zipf-Mandelbrot, as in natural text): the hundred most frequent words make
#: about half of the text, and most words are rare.
WORDS = _vocabulary(6000)
_CUMULATIVE = list(itertools.accumulate(1 / (r + 2.7) for r in range(1, len(WORDS) + 1)))
SKILLS = ["negotiation", "discovery", "writing", "review", "security", "onboarding",
          "analytics", "leadership"]
LEVELS = ["beginner", "intermediate", "advanced"]
AUDIENCE = ["sales", "engineering", "everyone", "managers"]
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d605a40000000049454e44ae426082"
)


def _words(rng: random.Random, n: int) -> list[str]:
    return rng.choices(WORDS, cum_weights=_CUMULATIVE, k=n)


def _topic(rng: random.Random, n: int = 2) -> str:
    """A few less common words (ranks 100 to 3,000): what a title or heading is about."""
    return " ".join(rng.choice(WORDS[100:3000]) for _ in range(n))


def _sentence(rng: random.Random, n: int = 0) -> str:
    words = _words(rng, n or rng.randint(6, 20))
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, sentences: int = 6) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def lesson_text(rng: random.Random, course: str, n: int) -> str:
    parts = [f"---\ntitle: {_topic(rng, 3).capitalize()}\nduration: 8\n---\n",
             _paragraph(rng), ""]
    for h in range(3):
        parts += [f"## {_topic(rng).capitalize()}", "", _paragraph(rng), "",
                  _paragraph(rng), ""]
        if h == 0:
            parts += ["### Details", "", "- " + _sentence(rng, 8), "- " + _sentence(rng, 8),
                      "- " + _sentence(rng, 8), ""]
        if h == 1:
            parts += ["```python", "def total(prices):", "    return sum(prices)", "```", "",
                      "| Step | Owner |", "| --- | --- |", "| Discover | Sales |",
                      "| Review | Peer |", ""]
    parts += ["![A one-pixel diagram of the process](../assets/diagram.png)", ""]
    parts += [
        "```quiz",
        f"- question: Which step of part {n} comes first in the process?",
        "  choices:",
        "    - text: Discovery with the customer",
        "      correct: true",
        "      explanation: Discovery comes first because it frames the value.",
        "    - text: Sending the final contract",
        "      explanation: The contract comes last, after agreement on value.",
        "    - text: Offering a large discount",
        "      explanation: A discount before discovery gives away margin for nothing.",
        "```",
        "",
    ]
    return "\n".join(parts)


def generate(out: Path, courses: int, lessons: int = 6, seed: int = 7) -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "courses").mkdir(parents=True)
    (out / "paths").mkdir()
    skills = "\n".join(f"  {s}: {{title: {s.capitalize()}}}" for s in SKILLS)
    (out / "lmsctl.yml").write_text(
        "site:\n  title: Synthetic Learning\n  url: https://example.org/learn/\n"
        "repository:\n  url: https://github.com/acme/learning\n  branch: main\n"
        f"defaults:\n  review_every: 180\nfeatured_paths: [path-1]\nskills:\n{skills}\n",
        encoding="utf-8")
    ids = [f"course-{i:04d}" for i in range(1, courses + 1)]
    for i, cid in enumerate(ids):
        folder = out / "courses" / cid
        (folder / "lessons").mkdir(parents=True)
        (folder / "assets").mkdir()
        (folder / "assets" / "diagram.png").write_bytes(PNG)
        pre = f"prerequisites: [{ids[i - 1]}]\n" if i % 10 else ""
        (folder / "course.yml").write_text(
            f"title: {_topic(rng, 3).capitalize()} {i + 1}\n"
            f"summary: {_sentence(rng, 12)}\n"
            f"owners: [\"@acme/team-{i % 20}\"]\nlevel: {rng.choice(LEVELS)}\n"
            f"skills: [{rng.choice(SKILLS)}]\naudience: [{rng.choice(AUDIENCE)}]\n"
            f"objectives:\n  - Explain the {_topic(rng, 1)} step\n{pre}"
            "status: published\nreview_every: 180\nevaluation: {pass_mark: 80}\n",
            encoding="utf-8")
        for n in range(1, lessons + 1):
            (folder / "lessons" / f"{n:02d}-part-{n}.md").write_text(
                lesson_text(rng, cid, n), encoding="utf-8")
    for p in range(1, max(2, courses // 50) + 1):
        members = "\n".join(f"  - {c}" for c in ids[(p - 1) * 5:(p - 1) * 5 + 5]) \
            or "  - course-0001"
        (out / "paths" / f"path-{p}.yml").write_text(
            f"title: Path {p}\nsummary: Generated path {p}.\nowners: [\"@acme/l-and-d\"]\n"
            f"courses:\n{members}\n", encoding="utf-8")


ADL = "http://adlnet.gov/expapi/verbs/"
RATED = "http://id.tincanapi.com/verb/rated"


def generate_statements(root: Path, out: Path, learners: int, seed: int = 11,
                        limit: int | None = None) -> int:
    """NDJSON statements of ``learners`` pseudonymous learners on the catalog at ``root``, the
    way the site's recorder sends them: each learner takes a few courses, reads lessons in order
    and some stop early, answers each question (a wrong first attempt is retried), rates some
    lessons, and passes when right often enough; paths are completed. Returns the count."""
    from lmsctl.content.loader import load_repository
    from lmsctl.core.ids import course_iri, lesson_iri, path_iri, question_iri

    repo, _ = load_repository(root)
    base = repo.config.site_url
    rng = random.Random(seed)
    courses = list(repo.courses)
    paths_of: dict[str, list[str]] = {}
    for path in repo.paths:
        for m in path.courses:
            paths_of.setdefault(m.id, []).append(path.id)
    difficulty = {c.id: [rng.uniform(0.1, 0.97) for _ in c.questions] for c in courses}
    start = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)
    written = 0
    ns = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")
    with out.open("w", encoding="utf-8") as fh:
        def emit(actor: dict[str, object], verb: str, obj: dict[str, object], when: dt.datetime,
                 result: dict[str, object] | None, context: dict[str, object]) -> None:
            nonlocal written
            stamp = when.isoformat().replace("+00:00", "Z")
            statement: dict[str, object] = {
                "id": str(uuid.uuid5(ns, str(written))), "actor": actor,
                "verb": {"id": verb}, "object": obj, "context": context,
                "timestamp": stamp, "stored": stamp,
                "authority": {"objectType": "Agent",
                              "account": {"homePage": base, "name": "site"}}}
            if result is not None:
                statement["result"] = result
            fh.write(json.dumps(statement, separators=(",", ":")) + "\n")
            written += 1

        for _ in range(learners):
            if limit is not None and written >= limit:
                break
            name = str(uuid.UUID(int=rng.getrandbits(128)))
            actor = {"objectType": "Agent", "account": {"homePage": base, "name": name}}
            skill = rng.gauss(0, 1)
            when = start + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 90))
            for course in rng.sample(courses, k=min(len(courses), rng.randint(1, 8))):
                c_iri = course_iri(base, course.id)
                grouping = [{"id": c_iri}] + [{"id": path_iri(base, p)}
                                              for p in paths_of.get(course.id, [])]
                right = asked = 0
                for li, lesson in enumerate(course.lessons):
                    if li and rng.random() < 0.08 + 0.04 * li:
                        break  # stops here
                    l_iri = lesson_iri(base, course.id, lesson.id)
                    when += dt.timedelta(seconds=rng.randint(120, 900))
                    ctx = {"platform": "lmsctl", "language": course.language,
                           "contextActivities": {"parent": [{"id": c_iri}],
                                                 "grouping": grouping},
                           "extensions": {f"{base}xapi/ext/content-version": lesson.version}}
                    emit(actor, ADL + "experienced",
                         {"objectType": "Activity", "id": l_iri}, when,
                         {"duration": f"PT{rng.randint(60, 900)}S"}, ctx)
                    for question in lesson.questions:
                        qi = course.questions.index(question)
                        p_right = 1 / (1 + 2.718 ** -(skill + 4 * (difficulty[course.id][qi]
                                                                   - 0.5)))
                        correct = [c.key for c in question.choices if c.correct]
                        wrong = [c.key for c in question.choices if not c.correct]
                        definition = {
                            "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                            "interactionType": "choice",
                            "choices": [{"id": c.key, "description": {"en": c.text}}
                                        for c in question.choices],
                            "correctResponsesPattern": ["[,]".join(correct)]}
                        q_ctx = {**ctx, "contextActivities": {"parent": [{"id": l_iri}],
                                                              "grouping": grouping},
                                 "extensions": {f"{base}xapi/ext/content-version":
                                                question.version}}
                        for attempt in (1, 2, 3):
                            ok = rng.random() < p_right or attempt == 3
                            response = correct if ok else [rng.choice(wrong[:2] or correct)]
                            emit(actor, ADL + "answered",
                                 {"objectType": "Activity",
                                  "id": question_iri(base, course.id, lesson.id, question.key),
                                  "definition": definition},
                                 when, {"success": ok, "response": "[,]".join(response),
                                        "extensions": {f"{base}xapi/ext/attempt": attempt}},
                                 q_ctx)
                            asked += attempt == 1
                            right += ok and attempt == 1
                            if ok:
                                break
                    if rng.random() < 0.3:
                        emit(actor, RATED, {"objectType": "Activity", "id": l_iri}, when,
                             {"score": {"raw": 1 if rng.random() < 0.75 else -1,
                                        "min": -1, "max": 1}}, ctx)
                if asked and right * 100 >= course.pass_mark * asked:
                    emit(actor, ADL + "passed", {"objectType": "Activity", "id": c_iri}, when,
                         {"success": True, "completion": True,
                          "score": {"raw": right, "min": 0, "max": asked,
                                    "scaled": right / asked}},
                         {"platform": "lmsctl", "contextActivities": {"grouping": grouping}})
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--lessons", type=int, default=6)
    parser.add_argument("--learners", type=int, default=0,
                        help="Also write xAPI statements of this many learners.")
    parser.add_argument("--statements", type=Path, default=None,
                        help="Where to write them (NDJSON; default OUT/statements.ndjson).")
    args = parser.parse_args()
    generate(args.out, args.courses, args.lessons)
    if args.learners:
        target = args.statements or args.out / "statements.ndjson"
        count = generate_statements(args.out, target, args.learners)
        print(f"{count} statements of {args.learners} learners in {target}")


if __name__ == "__main__":
    main()
