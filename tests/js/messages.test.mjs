// The runtime's texts (lmsctl/runtime/messages.js): English by default, a page catalog's
// translations when the page configuration carries them, English for anything missing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MESSAGES, catalogCount, courseProgressText, format, pathSummary, text,
         useTranslations } from "../../lmsctl/runtime/messages.js";

test("English is the source text", () => {
  useTranslations(null);
  assert.equal(text.correct, "Correct!");
  assert.equal(courseProgressText({ complete: true, right: 2, total: 3, score: 67 }),
               "Complete: 2 of 3 questions right (67%).");
  assert.equal(courseProgressText({ complete: true, right: 1, total: 1, score: 100 }),
               "Complete: 1 of 1 question right (100%).");
  assert.equal(courseProgressText({ complete: false, state: "in-progress", right: 1, total: 4, score: 25, pass: 80 }),
               "In progress: 1 of 4 questions right (25%); 80% completes the course.");
  assert.equal(courseProgressText({ complete: false, state: "not-started" }), null);
  assert.equal(pathSummary(2, 2), "Path complete: all 2 required courses done.");
  assert.equal(pathSummary(0, 1), "0 of 1 required course complete.");
  assert.equal(catalogCount(3, 5, 1), "3 of 5 courses match");
  assert.equal(catalogCount(1, 1, 0), "1 course");
});

test("a catalog's translations replace the English, and what it lacks stays English", () => {
  useTranslations({ "Correct!": "Richtig!", "%(num)d course": ["%(num)d Kurs", "%(num)d Kurse"] });
  try {
    assert.equal(text.correct, "Richtig!");
    assert.equal(text.right, "Right.");
    assert.equal(catalogCount(0, 1, 0), "1 Kurs");
    assert.equal(catalogCount(0, 4, 0), "4 Kurse");
    assert.equal(catalogCount(2, 4, 1), "2 of 4 courses match");
  } finally { useTranslations(null); }
  assert.equal(text.correct, "Correct!");
});

test("a language with three plural forms uses its rule (pluralForms)", () => {
  const rule = (n) => (n === 1 ? 0 : (n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 10 || n % 100 >= 20) ? 1 : 2));
  const table = Array.from({ length: 200 }, (_, n) => rule(n));
  useTranslations({ "%(num)d course": ["%(num)d kurs", "%(num)d kursy", "%(num)d kursów"] }, table);
  try {
    for (const n of [0, 1, 2, 4, 5, 12, 22, 25, 112, 122, 212, 1001, 1003]) {
      const form = ["kurs", "kursy", "kursów"][rule(n)];
      assert.equal(catalogCount(0, n, 0), `${n} ${form}`, String(n));
    }
  } finally { useTranslations(null); }
});

test("malformed translations fall back to English", () => {
  for (const bad of ["x", [1, 2], { "Correct!": 3, "%(num)d course": "not a list" }]) {
    useTranslations(bad, [1, 2, 3]);
    assert.equal(text.correct, "Correct!");
    assert.equal(catalogCount(0, 2, 0), "2 courses");
  }
  useTranslations({ "%(num)d course": [""] });
  assert.equal(catalogCount(0, 1, 0), "1 course");
  useTranslations(null);
});

test("placeholders are Python's, as in the rest of the catalog", () => {
  assert.equal(format("%(a)d%% of %(b)s", { a: 5, b: "x" }), "5% of x");
  assert.equal(format("%(missing)d", {}), "%(missing)d");
  for (const m of Object.values(MESSAGES)) {
    assert.ok(typeof m === "string" || (Array.isArray(m) && m.length === 2), JSON.stringify(m));
  }
});
