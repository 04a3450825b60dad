/*
 * shuffle: each learner sees a question's choices in their own order, the same on every visit:
 * a Fisher-Yates shuffle driven by a PRNG seeded with the learner's UUID (learner.js) and the
 * question's course/lesson/key. Only the order on the page changes: inputs keep their authored
 * index as value, choices their authored id, and answers are kept by authored index.
 */

/** A 32-bit hash of a string (FNV-1a, then mixed). */
export function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13;
  return h >>> 0;
}

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return function () {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The display order of n choices (authored indexes) for a seed string. */
export function displayOrder(n, seed) {
  const order = Array.from({ length: n }, (_, i) => i);
  const random = prng(hash(seed));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i]; order[i] = order[j]; order[j] = t;
  }
  return order;
}

/** Show a question's choices (li[data-lmsctl-choice] in one list) in the learner's order. */
export function shuffleChoices(fs, learner, questionId) {
  const list = fs.querySelector(".lmsctl-choices");
  if (!list) { return; }
  const items = Array.prototype.slice.call(list.children)
    .filter((li) => li.hasAttribute("data-lmsctl-choice"));
  const byIndex = {};
  items.forEach((li) => { byIndex[li.getAttribute("data-lmsctl-choice")] = li; });
  displayOrder(items.length, learner + " " + questionId).forEach((i) => {
    const li = byIndex[String(i)];
    if (li) { list.appendChild(li); }
  });
  fs.setAttribute("data-lmsctl-shuffled", "true");
}
