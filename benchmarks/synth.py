"""Generate a synthetic course catalog for benchmarks: N courses x 6 lessons of ~600 words,
each lesson with headings, a list, code, a table, an image and a quiz.

    python -m benchmarks.synth OUT_DIR --courses 1000 [--lessons 6]
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

WORDS = (
    "customer value price budget discovery question listen outcome risk team review "
    "process meeting decision owner evidence example practice feedback goal metric "
    "pipeline contract renewal objection context summary checklist handover workflow"
).split()
SKILLS = ["negotiation", "discovery", "writing", "review", "security", "onboarding",
          "analytics", "leadership"]
LEVELS = ["beginner", "intermediate", "advanced"]
AUDIENCE = ["sales", "engineering", "everyone", "managers"]
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d605a40000000049454e44ae426082"
)


def _sentence(rng: random.Random, n: int = 12) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, sentences: int = 6) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def lesson_text(rng: random.Random, course: str, n: int) -> str:
    parts = [f"---\ntitle: Lesson {n} of {course}\nduration: 8\n---\n",
             _paragraph(rng), ""]
    for h in range(3):
        parts += [f"## Part {h + 1}", "", _paragraph(rng), "", _paragraph(rng), ""]
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
            f"title: Synthetic course {i + 1}\n"
            f"summary: A generated course number {i + 1} about {rng.choice(WORDS)} and "
            f"{rng.choice(WORDS)} for benchmarks.\n"
            f"owners: [\"@acme/team-{i % 20}\"]\nlevel: {rng.choice(LEVELS)}\n"
            f"skills: [{rng.choice(SKILLS)}]\naudience: [{rng.choice(AUDIENCE)}]\n"
            f"objectives:\n  - Explain the {rng.choice(WORDS)} step\n{pre}"
            "status: published\nreview_every: 180\nevaluation: {pass_mark: 80}\n",
            encoding="utf-8")
        for n in range(1, lessons + 1):
            (folder / "lessons" / f"{n:02d}-part-{n}.md").write_text(
                lesson_text(rng, cid, n), encoding="utf-8")
    for p in range(1, max(2, courses // 50) + 1):
        members = "\n".join(f"  - {c}" for c in ids[(p - 1) * 5:(p - 1) * 5 + 5]) or "  - course-0001"
        (out / "paths" / f"path-{p}.yml").write_text(
            f"title: Path {p}\nsummary: Generated path {p}.\nowners: [\"@acme/l-and-d\"]\n"
            f"courses:\n{members}\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--lessons", type=int, default=6)
    args = parser.parse_args()
    generate(args.out, args.courses, args.lessons)


if __name__ == "__main__":
    main()
