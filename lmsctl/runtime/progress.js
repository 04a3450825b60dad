/*
 * progress: THE completion rule and the lesson-done rule (DESIGN section 7). Pure functions:
 * no DOM, no storage. Every page that shows progress (lesson marks, course, catalog card, path)
 * and every recorder (xAPI "passed", SCORM status) asks these functions, so they never disagree.
 *
 * A quiz record is what the learner's last Check kept: {choices: [authored index, ...],
 * result: "correct" | "incorrect"}; null when the question was never checked.
 */

/** "correct" when the selected authored indexes are exactly the right ones, else "incorrect". */
export function grade(selected, correct) {
  if (selected.length !== correct.length) { return "incorrect"; }
  const a = selected.slice().sort(), b = correct.slice().sort();
  return a.every((x, i) => x === b[i]) ? "correct" : "incorrect";
}

/**
 * The course's score over its questions.
 * questions: every question key of the course ("lesson/key"); records: key -> record | null.
 * Returns {right, answered, total, percent, scaled}: percent is rounded for display; scaled is
 * right / total (0 for a course without questions).
 */
export function courseScore(questions, records) {
  let right = 0, answered = 0;
  for (const q of questions) {
    const r = records[q];
    if (r) { answered += 1; if (r.result === "correct") { right += 1; } }
  }
  const total = questions.length;
  return { right, answered, total,
           percent: total ? Math.round(right * 100 / total) : 0,
           scaled: total ? right / total : 0 };
}

/**
 * THE completion rule. A course with questions is passed when right / total >= passMark / 100
 * (exactly, in integers: no rounding at the boundary); a course without questions when every
 * one of its lessons (at least one) has been visited.
 * lessons: {visited, total}.
 */
export function isCoursePassed(score, passMark, lessons) {
  if (score.total > 0) { return score.right * 100 >= passMark * score.total; }
  return lessons.total > 0 && lessons.visited === lessons.total;
}

/** "complete" | "in-progress" | "not-started" for a course. */
export function courseState(score, passed, lessonsVisited) {
  if (passed) { return "complete"; }
  return (score.answered || lessonsVisited) ? "in-progress" : "not-started";
}

/**
 * Everything a page shows about a course's progress, from the course's facts and a reader of
 * the learner's state: course {id, questions: ["lesson/key"], lessons: [ids], passMark};
 * quiz(lesson, key) -> record | null; visited(lesson) -> boolean.
 */
export function courseProgress(course, quiz, visited) {
  const records = {};
  for (const q of course.questions) {
    const at = q.indexOf("/");
    records[q] = quiz(q.slice(0, at), q.slice(at + 1));
  }
  const score = courseScore(course.questions, records);
  const seen = course.lessons.filter((l) => visited(l)).length;
  const complete = isCoursePassed(score, course.passMark, { visited: seen, total: course.lessons.length });
  return { course: course.id, total: score.total, right: score.right, answered: score.answered,
           visited: seen, pass: course.passMark, score: score.percent, scaled: score.scaled, complete,
           state: courseState(score, complete, seen) };
}

/**
 * The lesson-done rule: "done" when every question of the lesson is answered correctly, or,
 * for a lesson without questions, when it has been visited; "started" when anything was
 * answered or it was visited; else "not-started". records: one record (or null) per question.
 */
export function lessonState(records, visited) {
  const right = records.filter((r) => r && r.result === "correct").length;
  const answered = records.filter((r) => r).length;
  if (records.length ? right === records.length : visited) { return "done"; }
  return (answered || visited) ? "started" : "not-started";
}

/** A path's progress from its required course ids and the courses' progress (id -> progress). */
export function pathProgress(courseIds, progressByCourse) {
  const done = courseIds.filter((id) => progressByCourse[id] && progressByCourse[id].complete).length;
  const started = courseIds.filter((id) => progressByCourse[id] && progressByCourse[id].state !== "not-started").length;
  const complete = courseIds.length > 0 && done === courseIds.length;
  return { done, total: courseIds.length, complete,
           state: complete ? "complete" : (started ? "in-progress" : "not-started") };
}
