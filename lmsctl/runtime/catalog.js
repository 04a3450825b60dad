/*
 * catalog: the catalog's filters (skill, level, role, duration, progress), kept in the URL's
 * query so a filtered catalog can be linked to. matches() and inRange() are pure.
 */
import { all, words } from "./dom.js";
import { catalogCount } from "./messages.js";

/** Minutes within a range "low-high" ("30-" has no upper bound). */
export function inRange(minutes, range) {
  const parts = range.split("-");
  const low = parseInt(parts[0], 10) || 0;
  const high = parts[1] === "" || parts[1] === undefined ? Infinity : parseInt(parts[1], 10);
  return minutes >= low && minutes <= high;
}

/** Does a card {skills, level, audience, duration, state} pass filters {skill, level, ...}? */
export function matches(card, f) {
  return (!f.skill || card.skills.indexOf(f.skill) >= 0) &&
    (!f.level || card.level === f.level) &&
    (!f.role || card.audience.indexOf(f.role) >= 0) &&
    (!f.duration || inRange(card.duration, f.duration)) &&
    (!f.progress || card.state === f.progress);
}

function cardOf(el) {
  return {
    skills: words(el.getAttribute("data-lmsctl-skills")),
    level: el.getAttribute("data-lmsctl-level"),
    audience: words(el.getAttribute("data-lmsctl-audience")),
    duration: Number(el.getAttribute("data-lmsctl-duration")),
    state: el.getAttribute("data-lmsctl-state"),
  };
}

export function setupCatalog() {
  const catalog = document.querySelector("[data-lmsctl-catalog]");
  if (!catalog) { return; }
  const cards = all("[data-lmsctl-card]", catalog);
  const selects = all("select[data-lmsctl-filter]");
  const count = document.querySelector("[data-lmsctl-count]");
  const empty = document.querySelector("[data-lmsctl-empty]");
  const params = new URLSearchParams(window.location.search);

  function apply(updateUrl) {
    const f = {};
    let active = 0;
    selects.forEach((s) => { f[s.getAttribute("data-lmsctl-filter")] = s.value; if (s.value) { active += 1; } });
    let shown = 0;
    cards.forEach((card) => {
      const ok = matches(cardOf(card), f);
      card.hidden = !ok;
      if (ok) { shown += 1; }
    });
    if (count) { count.textContent = catalogCount(shown, cards.length, active); }
    if (empty) { empty.hidden = shown > 0; }
    if (updateUrl && window.history && window.history.replaceState) {
      const q = new URLSearchParams();
      selects.forEach((s) => { if (s.value) { q.set(s.getAttribute("data-lmsctl-filter"), s.value); } });
      const search = q.toString();
      window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : "") + window.location.hash);
    }
  }

  selects.forEach((s) => {
    const wanted = params.get(s.getAttribute("data-lmsctl-filter"));
    if (wanted !== null && all("option", s).some((o) => o.value === wanted)) { s.value = wanted; }
    s.addEventListener("change", () => { apply(true); });
  });
  all("[data-lmsctl-clear]").forEach((b) => {
    b.addEventListener("click", () => { selects.forEach((s) => { s.value = ""; }); apply(true); });
  });
  apply(false);
}
