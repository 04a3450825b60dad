/*
 * progress.js: THE completion rule and the lesson-done rule (RUNTIME-CONTRACT). Pure functions:
 * no DOM, no storage.
 *
 * Interim copy written by the SCORM export (#13) against the contract so that its recorder has
 * the one rule to call; the runtime's own progress.js (same functions, same meaning) replaces it.
 *
 *   questions: ["<lesson>/<question-key>", ...]       every question of the course
 *   records:   {"<lesson>/<question-key>": {result: "correct" | "incorrect"}}   (missing: not
 *              answered)
 */

export function courseScore(questions, records) {
  let right = 0;
  let answered = 0;
  for (const key of questions) {
    const record = records[key];
    if (!record) { continue; }
    answered += 1;
    if (record.result === "correct") { right += 1; }
  }
  const total = questions.length;
  return { right, answered, total, scaled: total ? right / total : 0 };
}

/* total > 0 ? right*100 >= passMark*total : all lessons visited */
export function isCoursePassed(score, passMark, lessons) {
  if (score.total > 0) { return score.right * 100 >= passMark * score.total; }
  return !!lessons && lessons.total > 0 && lessons.visited === lessons.total;
}

/* "done" | "started" | "not-started": done = every question correct, or visited when the lesson
   has no question. */
export function lessonState(questions, records, visited) {
  const score = courseScore(questions, records);
  if (questions.length ? score.right === questions.length : visited) { return "done"; }
  return (score.answered || visited) ? "started" : "not-started";
}
