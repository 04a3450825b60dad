/*
 * messages: every text the runtime shows a learner, in one place (English today; the page
 * templates' strings live in the Python message catalog).
 */

export function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

export const text = {
  correct: "Correct!",
  notQuiteMany: "Not quite: check each choice you picked, then try again.",
  notQuiteOne: "Not quite: read the explanation, then try again.",
  chooseMany: "Choose at least one answer first.",
  chooseOne: "Choose an answer first.",
  right: "Right.",
  notRight: "Not right.",
  rightAnswer: "This is a right answer.",
  notRightAnswer: "This is not a right answer.",
  done: " (done)",
  started: " (started)",
  reviewCourse: "Review the course",
  continueCourse: "Continue the course",
  thanksYes: "Thanks! Glad it helped. ",
  thanksNo: "Thanks for telling us. ",
  tellOwners: "Tell the owners what was missing",
  /* Where a vote goes (the thanks text says it truthfully). */
  keptHere: "Your answer is kept in this browser only. ",
  sentToRecords: "Your answer is sent with your learning records. ",
  /* The course result, the path page's action and the certificate (journey.js). */
  nextCourse: "Next course: ",
  pathDone: "Path complete: back to ",
  findNext: "Find your next course",
  noName: "Your name",
};

export function resultText(p) {
  const right = p.total ? p.right + " of " + plural(p.total, "question") + " right (" + p.score + "%)" : "";
  if (p.complete) {
    return p.total ? "You passed: " + right + "; the pass mark is " + p.pass + "%."
      : "You passed: you have read every lesson.";
  }
  return p.total
    ? "Not passed yet: " + right + "; the pass mark is " + p.pass + "%. Check your answers in the lessons not yet done, then come back."
    : "Not passed yet: read every lesson to complete the course.";
}

export function pathActionText(kind, title) {
  if (kind === "continue") { return "Continue: " + title; }
  if (kind === "review") { return "Review the path"; }
  return "Start: " + title;
}

export function continueText(e) {
  return e.total ? e.right + " of " + plural(e.total, "question") + " right (" + e.score + "%)" : "In progress";
}

export function certificateText(r) {
  return r.total ? "with a score of " + r.score + "% (" + r.right + " of " + plural(r.total, "question") +
    " right; pass mark " + r.pass + "%)" : "by reading every lesson";
}

export function courseProgressText(p) {
  if (p.complete) {
    return "Complete: " + p.right + " of " + plural(p.total, "question") + " right (" + p.score + "%).";
  }
  if (p.state === "in-progress") {
    return "In progress: " + p.right + " of " + plural(p.total, "question") + " right (" + p.score +
      "%); " + p.pass + "% completes the course.";
  }
  return null;
}

export function pathSummary(done, total) {
  return total && done === total
    ? "Path complete: all " + plural(total, "required course") + " done."
    : done + " of " + plural(total, "required course") + " complete.";
}

export function catalogCount(shown, total, active) {
  return active ? shown + " of " + plural(total, "course") + " match" : plural(total, "course");
}
