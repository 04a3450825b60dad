/*
 * quiz: a question's Check button, its feedback and explanations, and the answer kept under
 * "quiz:<course>/<lesson>/<question-key>" as {choices: [authored index, ...], result}.
 * Choices are identified by their authored index (input value, data-lmsctl-choice) and their
 * authored id (data-lmsctl-choice-id, "c1", "c2"... when the author gave none); the order they
 * are shown in does not matter here.
 */
import { all, words } from "./dom.js";
import { grade } from "./progress.js";
import { text } from "./messages.js";
import { shuffleChoices } from "./shuffle.js";

/** The question's facts from its markup (see the quiz template). */
export function readQuestion(fs) {
  const choices = all("[data-lmsctl-choice]", fs).map((li) => {
    const index = Number(li.getAttribute("data-lmsctl-choice"));
    const label = li.querySelector("label");
    return { index, id: li.getAttribute("data-lmsctl-choice-id") || "c" + (index + 1),
             text: label ? label.textContent.trim() : "" };
  }).sort((a, b) => a.index - b.index);
  return {
    course: fs.getAttribute("data-lmsctl-course"),
    lesson: fs.getAttribute("data-lmsctl-lesson"),
    key: fs.getAttribute("data-lmsctl-key") || fs.getAttribute("data-lmsctl-question"),
    version: fs.getAttribute("data-lmsctl-version") || "",
    text: ((fs.querySelector(".lmsctl-question__text") || {}).textContent || "").trim(),
    multiple: fs.getAttribute("data-lmsctl-multiple") === "true",
    correct: words(fs.getAttribute("data-lmsctl-correct")).map(Number),
    choices,
  };
}

/** The authored ids of the given authored indexes. */
export function choiceIds(question, indexes) {
  return indexes.map((i) => {
    const c = question.choices.find((x) => x.index === i);
    return c ? c.id : "c" + (i + 1);
  });
}

/**
 * Wire one question. hub: the page's recorder hub (state + events); changed(): called after a
 * Check, so progress elsewhere on the page follows; learner: the learner's UUID, which seeds
 * the order the choices are shown in (none: the authored order).
 */
export function setupQuestion(fs, hub, changed, learner) {
  const q = readQuestion(fs);
  const id = [q.course, q.lesson, q.key].join("/");
  if (learner) { shuffleChoices(fs, learner, id); }
  const key = "quiz:" + id;
  const inputs = all("input[type=radio], input[type=checkbox]", fs);
  const button = fs.querySelector("[data-lmsctl-check]");
  const feedback = fs.querySelector("[data-lmsctl-feedback]");

  function show(selected, result) {
    fs.setAttribute("data-lmsctl-result", result);
    all("[data-lmsctl-choice]", fs).forEach((li) => {
      const index = Number(li.getAttribute("data-lmsctl-choice"));
      const explanation = li.querySelector("[data-lmsctl-explanation]");
      const chosen = selected.indexOf(index) >= 0;
      const right = q.correct.indexOf(index) >= 0;
      if (chosen) {
        li.setAttribute("data-lmsctl-verdict", right ? "right" : "wrong");
      } else {
        li.removeAttribute("data-lmsctl-verdict");
      }
      if (!explanation) { return; }
      explanation.hidden = !chosen;
      const verdict = explanation.querySelector(".lmsctl-explanation__verdict");
      const expl = explanation.querySelector(".lmsctl-explanation__text");
      if (verdict) { verdict.textContent = right ? text.right : text.notRight; }
      if (expl && !expl.textContent.trim()) {
        expl.textContent = right ? text.rightAnswer : text.notRightAnswer;
      }
    });
    if (!feedback) { return; }
    const summary = result === "correct" ? text.correct
      : (q.multiple ? text.notQuiteMany : text.notQuiteOne);
    /* Screen readers hear the explanations too (they are shown beside each choice), and a
       second check of the same answer is announced again: the region is emptied first. The
       chosen answers are read in the order they are shown. */
    const spoken = [];
    all("[data-lmsctl-choice]", fs).forEach((li) => {
      const index = Number(li.getAttribute("data-lmsctl-choice"));
      if (selected.indexOf(index) < 0) { return; }
      const label = li.querySelector("label");
      const explanation = li.querySelector("[data-lmsctl-explanation]");
      spoken.push((label ? label.textContent.trim() + ": " : "") +
                  (explanation ? explanation.textContent.trim() : ""));
    });
    feedback.textContent = "";
    window.setTimeout(() => {
      feedback.textContent = summary;
      if (spoken.length) {
        const extra = document.createElement("span");
        extra.className = "lmsctl-visually-hidden";
        extra.setAttribute("data-lmsctl-spoken", "");
        extra.textContent = " " + spoken.join(" ");
        feedback.appendChild(extra);
      }
    }, 50);
  }

  if (button) {
    button.addEventListener("click", () => {
      const selected = inputs.filter((i) => i.checked).map((i) => Number(i.value));
      if (!selected.length) {
        if (feedback) { feedback.textContent = q.multiple ? text.chooseMany : text.chooseOne; }
        return;
      }
      const result = grade(selected, q.correct);
      hub.save(key, { choices: selected, result });
      const attempt = (Number(hub.load("attempts:" + id)) || 0) + 1;
      hub.save("attempts:" + id, attempt);
      show(selected, result);
      hub.record({
        verb: "answered", course: q.course, lesson: q.lesson, question: q.key,
        version: q.version, text: q.text,
        choices: q.choices.map((c) => ({ id: c.id, text: c.text })),
        // ids in authored order, whatever order the learner saw them in
        correct: choiceIds(q, q.correct),
        response: choiceIds(q, [...selected].sort((a, b) => a - b)),
        success: result === "correct", attempt,
      });
      changed();
    });
  }

  const saved = hub.load(key);
  if (saved && Array.isArray(saved.choices) && (saved.result === "correct" || saved.result === "incorrect")) {
    const valid = saved.choices.every((i) => typeof i === "number" && i >= 0 && i < inputs.length);
    if (valid) {
      inputs.forEach((input) => { input.checked = saved.choices.indexOf(Number(input.value)) >= 0; });
      const regraded = grade(saved.choices, q.correct);
      /* The right answer may have changed since: keep the new grade, so that course, catalog
         and path progress (read from storage) agree with what the lesson shows. */
      if (regraded !== saved.result) { hub.save(key, { choices: saved.choices, result: regraded }); }
      show(saved.choices, regraded);
    }
  }
}
