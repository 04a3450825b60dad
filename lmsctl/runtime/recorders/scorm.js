/*
 * The SCORM recorder (RUNTIME-CONTRACT: {name, load, save, record, flush}) for SCORM 1.2 and
 * SCORM 2004 4th edition. It is the page's state store inside an LMS: learner state lives in
 * cmi.suspend_data (a compact encoding, below), the bookmark in cmi.core.lesson_location /
 * cmi.location. It reports status and score with the ONE completion rule of ../progress.js,
 * session time, and (2004) one cmi.interactions.n entry per answered question.
 *
 * A course is several pages but one SCORM session: the package's launch page creates the
 * recorder once (Initialize), the course's pages use it, and the launch page calls finish()
 * (Terminate) when the LMS closes it. Every call to the LMS is guarded: a recorder never throws.
 *
 * suspend_data ("1|<lessons>|<questions>", well under SCORM 1.2's 4,096 characters):
 *   <lessons>   3-character fingerprint of the lesson ids, then one digit per lesson:
 *               visited (1) + 2 * helpful (0 none, 1 yes, 2 no)
 *   <questions> one token per question of the course, comma-separated, "" when unanswered:
 *               3-character hash of "<lesson>/<key>", the chosen choices as a base-36 bit mask
 *               (bit i = authored choice i), "+" right or "-" wrong, then the number of
 *               attempts in base 36 when above 1.
 * A token is matched to its question by position, else by hash, so a course that gained or
 * lost questions since keeps the answers it still can.
 */
import { courseScore, isCoursePassed } from "../progress.js";

export const SUSPEND_LIMIT_12 = 4096;

/* -- finding the API: ADL's standard search through parents, then the opener's -------------- */

export function findAPI(win, version) {
  const name = version === "2004" ? "API_1484_11" : "API";
  function search(w) {
    let tries = 0;
    try {
      while (w && !w[name] && w.parent && w.parent !== w && tries < 500) {
        tries += 1;
        w = w.parent;
      }
      return w && w[name] ? w[name] : null;
    } catch (e) { return null; } /* a frame of another origin */
  }
  let api = search(win);
  try {
    if (!api && win.opener && !win.opener.closed) { api = search(win.opener); }
  } catch (e) { api = null; }
  return api || null;
}

/* -- compact state encoding ---------------------------------------------------------------- */

export function shortHash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h % 46656).toString(36).padStart(3, "0");
}

function questionIndex(course) {
  const byKey = new Map();
  course.questions.forEach((q, i) => byKey.set(q.key, i));
  return byKey;
}

/* state: Map of contract keys ("quiz:<course>/<lesson>/<q>", "visited:...", "helpful:...",
   "attempts:...") to values. Only the course's own keys are kept. */
/* The encoding, made to fit in `limit` characters when it can: attempts are dropped first,
   then the answers of the last questions (a course of several hundred questions). */
export function encodeWithin(course, state, limit) {
  let text = encodeState(course, state);
  if (!limit || text.length <= limit) { return text; }
  text = encodeState(course, state, { attempts: false });
  if (text.length <= limit) { return text; }
  const cut = text.lastIndexOf(",", limit);
  return cut > 0 ? text.slice(0, cut) : text.slice(0, text.indexOf("|", 2) + 1);
}

export function encodeState(course, state, options) {
  const withAttempts = !options || options.attempts !== false;
  const lessonPart = shortHash(course.lessons.map((l) => l.id).join(" ")) +
    course.lessons.map((lesson) => {
      const visited = state.get(`visited:${course.course}/${lesson.id}`) ? 1 : 0;
      const helpful = state.get(`helpful:${course.course}/${lesson.id}`);
      const h = helpful === "yes" || helpful === 1 ? 1 : (helpful === "no" || helpful === -1 ? 2 : 0);
      return String(visited + 2 * h);
    }).join("");
  const tokens = course.questions.map((q) => {
    const record = state.get(`quiz:${course.course}/${q.key}`);
    if (!record || !Array.isArray(record.choices) || !record.choices.length) { return ""; }
    let mask = 0n;
    for (const index of record.choices) {
      if (Number.isInteger(index) && index >= 0 && index < q.choices.length) { mask |= 1n << BigInt(index); }
    }
    const attempts = withAttempts ? Number(state.get(`attempts:${course.course}/${q.key}`)) || 1 : 1;
    return shortHash(q.key) + mask.toString(36) + (record.result === "correct" ? "+" : "-") +
      (attempts > 1 ? Math.min(attempts, 1295).toString(36) : "");
  });
  while (tokens.length && tokens[tokens.length - 1] === "") { tokens.pop(); }
  return `1|${lessonPart}|${tokens.join(",")}`;
}

export function decodeState(course, text) {
  const state = new Map();
  if (typeof text !== "string" || !text.startsWith("1|")) { return state; }
  const [, lessonPart = "", questionPart = ""] = text.split("|");
  if (lessonPart.slice(0, 3) === shortHash(course.lessons.map((l) => l.id).join(" "))) {
    course.lessons.forEach((lesson, i) => {
      const digit = Number(lessonPart.charAt(3 + i)) || 0;
      if (digit % 2) { state.set(`visited:${course.course}/${lesson.id}`, true); }
      const h = Math.floor(digit / 2);
      if (h) { state.set(`helpful:${course.course}/${lesson.id}`, h === 1 ? "yes" : "no"); }
    });
  }
  const byHash = new Map();
  course.questions.forEach((q, i) => {
    const h = shortHash(q.key);
    byHash.set(h, byHash.has(h) ? -1 : i); /* -1: ambiguous */
  });
  const used = new Set();
  questionPart.split(",").forEach((token, position) => {
    const m = /^([0-9a-z]{3})([0-9a-z]+)([+-])([0-9a-z]*)$/.exec(token);
    if (!m) { return; }
    let i = position < course.questions.length && shortHash(course.questions[position].key) === m[1]
      ? position : byHash.get(m[1]);
    if (i === undefined || i < 0 || used.has(i)) { return; }
    used.add(i);
    const q = course.questions[i];
    let mask;
    try { mask = [...m[2]].reduce((acc, c) => acc * 36n + BigInt(parseInt(c, 36)), 0n); } catch (e) { return; }
    const choices = [];
    for (let c = 0; c < q.choices.length; c += 1) { if ((mask >> BigInt(c)) & 1n) { choices.push(c); } }
    if (!choices.length) { return; }
    state.set(`quiz:${course.course}/${q.key}`, { choices, result: m[3] === "+" ? "correct" : "incorrect" });
    const attempts = m[4] ? parseInt(m[4], 36) : 1;
    if (attempts > 1) { state.set(`attempts:${course.course}/${q.key}`, attempts); }
  });
  return state;
}

/* -- time formats -------------------------------------------------------------------------- */

export function sessionTime12(ms) {
  const total = Math.max(0, Math.round(ms / 10)) / 100;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total - h * 3600 - m * 60;
  return `${String(Math.min(h, 9999)).padStart(4, "0")}:${String(m).padStart(2, "0")}:${s.toFixed(2).padStart(5, "0")}`;
}

export function sessionTime2004(ms) {
  const total = Math.max(0, Math.round(ms / 10)) / 100;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = Math.round((total - h * 3600 - m * 60) * 100) / 100;
  return `PT${h}H${m}M${s}S`;
}

function timestamp(date) {
  return date.toISOString().slice(0, 22) + "Z"; /* 2 decimals of a second at most */
}

/* floor, so that a score below the pass mark is never rounded up to it */
function floorTo(value, decimals) {
  const f = 10 ** decimals;
  return Math.floor(value * f + 1e-9) / f;
}

/* -- the recorder ---------------------------------------------------------------------------- */

/*
 * options: {win, course, version: "1.2" | "2004", now?: () => ms, api?}
 * course: {course, passMark, lessons: [{id}], questions: [{key, lesson, question, choices: [ids],
 *          correct: [ids]}], activityBase?, courseIri?}
 * Returns null when there is no LMS API or it does not initialize.
 */
export function createScormRecorder(options) {
  const { course } = options;
  const v2004 = options.version === "2004";
  const now = options.now || (() => Date.now());
  const api = options.api || findAPI(options.win, v2004 ? "2004" : "1.2");
  if (!api) { return null; }
  const call = (name, ...args) => {
    try { return api[name](...args); } catch (e) { return ""; }
  };
  const fn = v2004
    ? { init: "Initialize", get: "GetValue", set: "SetValue", commit: "Commit", finish: "Terminate" }
    : { init: "LMSInitialize", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit", finish: "LMSFinish" };
  if (String(call(fn.init, "")) !== "true") { return null; }
  const get = (el) => String(call(fn.get, el) ?? "");
  const set = (el, value) => String(call(fn.set, el, String(value))) === "true";
  const started = now();
  let finished = false;
  let dirty = false;
  const prefix = `${course.course}/`;
  const state = decodeState(course, get("cmi.suspend_data"));
  const locationElement = v2004 ? "cmi.location" : "cmi.core.lesson_location";
  const location = get(locationElement);
  if (location) { state.set(`location:${course.course}`, location); }
  const questionKeys = course.questions.map((q) => q.key);
  const byKey = questionIndex(course);

  /* Once passed, a course stays passed (and its score does not drop) when the learner goes
     back over the quiz, in this session or a later one. */
  let passedBefore = get(v2004 ? "cmi.success_status" : "cmi.core.lesson_status") === "passed";
  let bestPercent = passedBefore ? Number(get(v2004 ? "cmi.score.raw" : "cmi.core.score.raw")) || 0 : 0;
  if (v2004) {
    const completion = get("cmi.completion_status");
    if (completion === "unknown" || completion === "not attempted" || completion === "") {
      set("cmi.completion_status", "incomplete");
    }
  } else {
    const status = get("cmi.core.lesson_status");
    if (status === "not attempted" || status === "") { set("cmi.core.lesson_status", "incomplete"); }
  }

  function records() {
    const out = {};
    for (const key of questionKeys) {
      const r = state.get(`quiz:${course.course}/${key}`);
      if (r) { out[key] = r; }
    }
    return out;
  }

  function report() {
    const score = courseScore(questionKeys, records());
    const visited = course.lessons.filter((l) => state.get(`visited:${course.course}/${l.id}`)).length;
    const passed = passedBefore ||
      isCoursePassed(score, course.passMark, { visited, total: course.lessons.length });
    const finishedQuiz = score.total > 0 && score.answered === score.total;
    let percent = score.total ? floorTo((score.right * 100) / score.total, 2) : 0;
    if (passed) {
      passedBefore = true;
      bestPercent = Math.max(bestPercent, percent);
      percent = bestPercent;
    }
    if (v2004) {
      set("cmi.score.min", 0);
      set("cmi.score.max", 100);
      set("cmi.score.raw", percent);
      set("cmi.score.scaled", floorTo(percent / 100, 4));
      set("cmi.success_status", passed ? "passed" : (finishedQuiz ? "failed" : "unknown"));
      set("cmi.completion_status", passed || finishedQuiz ? "completed" : "incomplete");
    } else {
      set("cmi.core.score.min", 0);
      set("cmi.core.score.max", 100);
      set("cmi.core.score.raw", percent);
      set("cmi.core.lesson_status", passed ? "passed" : (finishedQuiz ? "failed" : "incomplete"));
    }
    return { score, passed };
  }

  function storeSuspend() {
    const text = encodeWithin(course, state, v2004 ? 64000 : SUSPEND_LIMIT_12);
    set("cmi.suspend_data", text);
  }

  function commit() {
    if (finished || !dirty) { return; }
    dirty = false;
    call(fn.commit, "");
  }

  function interaction(event) {
    const q = course.questions[byKey.get(`${event.lesson}/${event.question}`)];
    if (!v2004 || !q) { return; }
    const n = Number(get("cmi.interactions._count")) || 0;
    const base = `cmi.interactions.${n}.`;
    const id = course.activityBase
      ? `${course.courseIri}${event.lesson}/#${event.question}`
      : `urn:lmsctl:${course.course}:${event.lesson}:${event.question}`;
    set(base + "id", id);
    set(base + "type", "choice");
    set(base + "timestamp", timestamp(new Date(now())));
    set(base + "correct_responses.0.pattern", (event.correct || q.correct).join("[,]"));
    set(base + "learner_response", (event.response || []).join("[,]"));
    set(base + "result", event.success ? "correct" : "incorrect");
  }

  const recorder = {
    name: "scorm",
    version: v2004 ? "2004" : "1.2",
    load(key) {
      return state.has(key) ? state.get(key) : null;
    },
    save(key, value) {
      if (finished) { return; }
      if (key === `location:${course.course}`) {
        if (state.get(key) !== value) {
          state.set(key, value);
          set(locationElement, String(value).slice(0, 255));
          dirty = true;
        }
        return;
      }
      const rest = key.slice(key.indexOf(":") + 1);
      if (!rest.startsWith(prefix)) { return; } /* not this course's */
      const before = JSON.stringify(state.has(key) ? state.get(key) : null);
      if (before === JSON.stringify(value ?? null)) { return; }
      if (value === null || value === undefined) { state.delete(key); } else { state.set(key, value); }
      storeSuspend();
      if (key.startsWith("quiz:") || key.startsWith("visited:")) { report(); }
      dirty = true;
    },
    record(event) {
      try {
        if (finished || !event || event.course !== course.course) { return; }
        if (event.verb === "answered") {
          const attemptsKey = `attempts:${course.course}/${event.lesson}/${event.question}`;
          if (event.attempt) { state.set(attemptsKey, event.attempt); storeSuspend(); }
          interaction(event);
          report();
          dirty = true;
          commit();
        } else if (event.verb === "passed") {
          report();
          dirty = true;
          commit();
        }
      } catch (e) { /* never break the page */ }
    },
    flush() {
      try { commit(); } catch (e) { /* never break the page */ }
    },
    /* The score and status as reported (for the launch page and the tests). */
    status() { return report(); },
    finish() {
      if (finished) { return; }
      try {
        const ms = now() - started;
        if (v2004) {
          set("cmi.session_time", sessionTime2004(ms));
          set("cmi.exit", "suspend");
        } else {
          set("cmi.core.session_time", sessionTime12(ms));
          set("cmi.core.exit", "suspend");
        }
        storeSuspend();
        call(fn.commit, "");
        call(fn.finish, "");
      } catch (e) { /* never break the page */ }
      finished = true;
    },
  };
  return recorder;
}
