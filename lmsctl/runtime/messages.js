/*
 * messages: every text the runtime shows a learner, in one place. They are messages of the
 * site's gettext catalog (lmsctl/targets/site/locale/lmsctl.pot, extracted from this file's
 * `_()` and `ngettext()` marks): English is the source text, and a build with another catalog
 * writes the translations into each page's configuration (`messages`, and `pluralForms` when
 * the language's plural rule is not English's; lmsctl/targets/site/runtime_messages.py), which
 * main.js hands to `useTranslations`. A message without a translation stays English.
 * Placeholders are Python's (`%(name)d`, `%%`), as in the rest of the catalog.
 */

/* Marks for the catalog extractor (Babel reads `_("...")` and `ngettext("...", "...")`). */
const _ = (msgid) => msgid;
const ngettext = (singular, plural) => [singular, plural];

/** Every message, by the name the runtime uses: a msgid, or [singular, plural] msgids. */
export const MESSAGES = {
  correct: _("Correct!"),
  notQuiteMany: _("Not quite: check each choice you picked, then try again."),
  notQuiteOne: _("Not quite: read the explanation, then try again."),
  chooseMany: _("Choose at least one answer first."),
  chooseOne: _("Choose an answer first."),
  right: _("Right."),
  notRight: _("Not right."),
  rightAnswer: _("This is a right answer."),
  notRightAnswer: _("This is not a right answer."),
  done: _(" (done)"),
  started: _(" (started)"),
  reviewCourse: _("Review the course"),
  continueCourse: _("Continue the course"),
  thanksYes: _("Thanks! Glad it helped. "),
  thanksNo: _("Thanks for telling us. "),
  tellOwners: _("Tell the owners what was missing"),
  /* Where a vote goes (the thanks text says it truthfully). */
  keptHere: _("Your answer is kept in this browser only. "),
  sentToRecords: _("Your answer is sent with your learning records. "),
  courseComplete: ngettext("Complete: %(right)d of %(num)d question right (%(score)d%%).",
                           "Complete: %(right)d of %(num)d questions right (%(score)d%%)."),
  courseInProgress: ngettext(
    "In progress: %(right)d of %(num)d question right (%(score)d%%); %(pass)d%% completes the course.",
    "In progress: %(right)d of %(num)d questions right (%(score)d%%); %(pass)d%% completes the course."),
  pathComplete: ngettext("Path complete: all %(num)d required course done.",
                         "Path complete: all %(num)d required courses done."),
  pathProgress: ngettext("%(done)d of %(num)d required course complete.",
                         "%(done)d of %(num)d required courses complete."),
  catalogMatch: ngettext("%(shown)d of %(num)d course match", "%(shown)d of %(num)d courses match"),
  catalogAll: ngettext("%(num)d course", "%(num)d courses"),
  /* The course result, the path page's action and the certificate (journey.js). */
  nextCourse: _("Next course: "),
  pathDone: _("Path complete: back to "),
  findNext: _("Find your next course"),
  noName: _("Your name"),
  inProgress: _("In progress"),
  reviewPath: _("Review the path"),
  continueStep: _("Continue: %(title)s"),
  startStep: _("Start: %(title)s"),
  passedRead: _("You passed: you have read every lesson."),
  notPassedRead: _("Not passed yet: read every lesson to complete the course."),
  passedScore: ngettext(
    "You passed: %(right)d of %(num)d question right (%(score)d%%); the pass mark is %(pass)d%%.",
    "You passed: %(right)d of %(num)d questions right (%(score)d%%); the pass mark is %(pass)d%%."),
  notPassedScore: ngettext(
    "Not passed yet: %(right)d of %(num)d question right (%(score)d%%); the pass mark is %(pass)d%%. Check your answers in the lessons not yet done, then come back.",
    "Not passed yet: %(right)d of %(num)d questions right (%(score)d%%); the pass mark is %(pass)d%%. Check your answers in the lessons not yet done, then come back."),
  continueScore: ngettext("%(right)d of %(num)d question right (%(score)d%%)",
                          "%(right)d of %(num)d questions right (%(score)d%%)"),
  certificateScore: ngettext(
    "with a score of %(score)d%% (%(right)d of %(num)d question right; pass mark %(pass)d%%)",
    "with a score of %(score)d%% (%(right)d of %(num)d questions right; pass mark %(pass)d%%)"),
  certificateRead: _("by reading every lesson"),
};

const englishPlural = (n) => (n === 1 ? 0 : 1);
let translated = {};
let pluralIndex = englishPlural;

/** The texts without placeholders, in the page's language (updated by useTranslations). */
export const text = {};

function lookup(msgid) {
  const found = translated[msgid];
  return typeof found === "string" && found ? found : msgid;
}

function refreshText() {
  for (const [name, msgid] of Object.entries(MESSAGES)) {
    if (typeof msgid === "string") { text[name] = lookup(msgid); }
  }
}
refreshText();

/**
 * Use a catalog's translations: `messages` maps a msgid to its text, or (plural messages,
 * keyed by the singular msgid) to its forms by plural index; `pluralForms` is the plural
 * index of n for n = 0..199 (n above 199 takes that of 100 + n % 100), absent for English's
 * rule. Anything missing or malformed falls back to English.
 */
export function useTranslations(messages, pluralForms) {
  translated = messages && typeof messages === "object" && !Array.isArray(messages) ? messages : {};
  pluralIndex = Array.isArray(pluralForms) && pluralForms.length === 200
    ? (n) => pluralForms[n >= 0 && n < 200 ? n : 100 + (Math.abs(n) % 100)]
    : englishPlural;
  refreshText();
}

/** Fill `%(name)d` / `%(name)s` placeholders and `%%`. */
export function format(template, values) {
  return template.replace(/%(?:\((\w+)\)[ds]|%)/g, (all, name) =>
    (name === undefined ? "%" : (name in values ? String(values[name]) : all)));
}

/** The plural message `name` for `n` (available as %(num)d), with `values` filled in. */
export function plural(name, n, values) {
  const [singular, pluralText] = MESSAGES[name];
  const forms = translated[singular];
  const form = Array.isArray(forms) ? forms[pluralIndex(n)] : null;
  const chosen = typeof form === "string" && form ? form : (n === 1 ? singular : pluralText);
  return format(chosen, Object.assign({ num: n }, values || {}));
}

export function courseProgressText(p) {
  if (p.complete) {
    return plural("courseComplete", p.total, { right: p.right, score: p.score });
  }
  if (p.state === "in-progress") {
    return plural("courseInProgress", p.total, { right: p.right, score: p.score, pass: p.pass });
  }
  return null;
}

export function pathSummary(done, total) {
  return total && done === total
    ? plural("pathComplete", total)
    : plural("pathProgress", total, { done });
}

export function catalogCount(shown, total, active) {
  return active ? plural("catalogMatch", total, { shown }) : plural("catalogAll", total);
}

export function resultText(p) {
  const values = { right: p.right, score: p.score, pass: p.pass };
  if (p.complete) {
    return p.total ? plural("passedScore", p.total, values) : text.passedRead;
  }
  return p.total ? plural("notPassedScore", p.total, values) : text.notPassedRead;
}

export function pathActionText(kind, title) {
  if (kind === "continue") { return format(lookup(MESSAGES.continueStep), { title }); }
  if (kind === "review") { return text.reviewPath; }
  return format(lookup(MESSAGES.startStep), { title });
}

export function continueText(e) {
  return e.total ? plural("continueScore", e.total, { right: e.right, score: e.score })
    : text.inProgress;
}

export function certificateText(r) {
  return r.total
    ? plural("certificateScore", r.total, { right: r.right, score: r.score, pass: r.pass })
    : text.certificateRead;
}
