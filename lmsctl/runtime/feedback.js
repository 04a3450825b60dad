/*
 * feedback: "Was this helpful?" (kept as "helpful:<course>/<lesson>", recorded as "rated") and
 * "Flag as outdated" clicks (recorded as "flagged"; the issue form still opens).
 * The thanks text says where the vote goes: kept in this browser only, or also sent with the
 * learner's learning records (when a reporter such as xAPI is on and the learner has not
 * opted out).
 */
import { all } from "./dom.js";
import { text } from "./messages.js";

/**
 * hub: the page's recorder hub; where(): "records" when votes are sent with learning records,
 * "browser" when they stay in this browser, null when the page says nothing about it.
 */
export function setupFeedback(hub, where, version) {
  all(".lmsctl-lesson-foot[data-lmsctl-course]").forEach((foot) => {
    const course = foot.getAttribute("data-lmsctl-course");
    const lesson = foot.getAttribute("data-lmsctl-lesson");
    const key = "helpful:" + course + "/" + lesson;
    const buttons = all("[data-lmsctl-helpful-answer]", foot);
    const thanks = foot.querySelector("[data-lmsctl-helpful-thanks]");
    const question = foot.querySelector("[data-lmsctl-feedback-link=question]");

    function show(answer) {
      buttons.forEach((b) => {
        b.setAttribute("aria-pressed", b.getAttribute("data-lmsctl-helpful-answer") === answer ? "true" : "false");
      });
      const container = foot.querySelector("[data-lmsctl-helpful]");
      if (container) { container.setAttribute("data-lmsctl-answer", answer); }
      if (!thanks) { return; }
      thanks.textContent = answer === "yes" ? text.thanksYes : text.thanksNo;
      const place = where();
      if (place === "records") { thanks.appendChild(document.createTextNode(text.sentToRecords)); }
      if (place === "browser") { thanks.appendChild(document.createTextNode(text.keptHere)); }
      if (answer === "no" && question) {
        const a = document.createElement("a");
        a.href = question.href;
        a.target = "_blank";
        a.rel = "noopener";
        a.textContent = text.tellOwners;
        thanks.appendChild(a);
      }
    }

    buttons.forEach((b) => {
      b.addEventListener("click", () => {
        const answer = b.getAttribute("data-lmsctl-helpful-answer");
        hub.save(key, answer);
        show(answer);
        hub.record({ verb: "rated", course, lesson, version, value: answer === "yes" ? 1 : -1 });
      });
    });
    all("[data-lmsctl-feedback-link=outdated]", foot).forEach((a) => {
      a.addEventListener("click", () => { hub.record({ verb: "flagged", course, lesson, version }); });
    });
    const saved = hub.load(key);
    if (saved === "yes" || saved === "no") { show(saved); }
  });
}
