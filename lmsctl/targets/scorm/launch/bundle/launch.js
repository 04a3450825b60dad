/* Generated from lmsctl/targets/scorm/launch/launch.js by scripts/bundle-runtime.mjs (make runtime-bundle); do not edit. The script of a package's launch page (the SCO). */
(() => {
  // lmsctl/runtime/progress.js
  function courseScore(questions, records) {
    let right = 0, answered = 0;
    for (const q of questions) {
      const r = records[q];
      if (r) {
        answered += 1;
        if (r.result === "correct") {
          right += 1;
        }
      }
    }
    const total = questions.length;
    return {
      right,
      answered,
      total,
      percent: total ? Math.round(right * 100 / total) : 0,
      scaled: total ? right / total : 0
    };
  }
  function isCoursePassed(score, passMark, lessons) {
    if (score.total > 0) {
      return score.right * 100 >= passMark * score.total;
    }
    return lessons.total > 0 && lessons.visited === lessons.total;
  }

  // lmsctl/runtime/recorders/scorm.js
  var SUSPEND_LIMIT_12 = 4096;
  function findAPI(win, version) {
    const name = version === "2004" ? "API_1484_11" : "API";
    function search(w) {
      let tries = 0;
      try {
        while (w && !w[name] && w.parent && w.parent !== w && tries < 500) {
          tries += 1;
          w = w.parent;
        }
        return w && w[name] ? w[name] : null;
      } catch (e) {
        return null;
      }
    }
    let api = search(win);
    try {
      if (!api && win.opener && !win.opener.closed) {
        api = search(win.opener);
      }
    } catch (e) {
      api = null;
    }
    return api || null;
  }
  function shortHash(text) {
    let h = 2166136261;
    for (let i = 0; i < text.length; i += 1) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 16777619) >>> 0;
    }
    return (h % 46656).toString(36).padStart(3, "0");
  }
  function questionIndex(course) {
    const byKey = /* @__PURE__ */ new Map();
    course.questions.forEach((q, i) => byKey.set(q.key, i));
    return byKey;
  }
  function encodeWithin(course, state, limit) {
    let text = encodeState(course, state);
    if (!limit || text.length <= limit) {
      return text;
    }
    text = encodeState(course, state, { attempts: false });
    if (text.length <= limit) {
      return text;
    }
    const cut = text.lastIndexOf(",", limit);
    return cut > 0 ? text.slice(0, cut) : text.slice(0, text.indexOf("|", 2) + 1);
  }
  function encodeState(course, state, options) {
    const withAttempts = !options || options.attempts !== false;
    const lessonPart = shortHash(course.lessons.map((l) => l.id).join(" ")) + course.lessons.map((lesson2) => {
      const visited = state.get(`visited:${course.course}/${lesson2.id}`) ? 1 : 0;
      const helpful = state.get(`helpful:${course.course}/${lesson2.id}`);
      const h = helpful === "yes" || helpful === 1 ? 1 : helpful === "no" || helpful === -1 ? 2 : 0;
      return String(visited + 2 * h);
    }).join("");
    const tokens = course.questions.map((q) => {
      const record = state.get(`quiz:${course.course}/${q.key}`);
      if (!record || !Array.isArray(record.choices) || !record.choices.length) {
        return "";
      }
      let mask = 0n;
      for (const index of record.choices) {
        if (Number.isInteger(index) && index >= 0 && index < q.choices.length) {
          mask |= 1n << BigInt(index);
        }
      }
      const attempts = withAttempts ? Number(state.get(`attempts:${course.course}/${q.key}`)) || 1 : 1;
      return shortHash(q.key) + mask.toString(36) + (record.result === "correct" ? "+" : "-") + (attempts > 1 ? Math.min(attempts, 1295).toString(36) : "");
    });
    while (tokens.length && tokens[tokens.length - 1] === "") {
      tokens.pop();
    }
    return `1|${lessonPart}|${tokens.join(",")}`;
  }
  function decodeState(course, text) {
    const state = /* @__PURE__ */ new Map();
    if (typeof text !== "string" || !text.startsWith("1|")) {
      return state;
    }
    const [, lessonPart = "", questionPart = ""] = text.split("|");
    if (lessonPart.slice(0, 3) === shortHash(course.lessons.map((l) => l.id).join(" "))) {
      course.lessons.forEach((lesson2, i) => {
        const digit = Number(lessonPart.charAt(3 + i)) || 0;
        if (digit % 2) {
          state.set(`visited:${course.course}/${lesson2.id}`, true);
        }
        const h = Math.floor(digit / 2);
        if (h) {
          state.set(`helpful:${course.course}/${lesson2.id}`, h === 1 ? "yes" : "no");
        }
      });
    }
    const byHash = /* @__PURE__ */ new Map();
    course.questions.forEach((q, i) => {
      const h = shortHash(q.key);
      byHash.set(h, byHash.has(h) ? -1 : i);
    });
    const used = /* @__PURE__ */ new Set();
    questionPart.split(",").forEach((token, position) => {
      const m = /^([0-9a-z]{3})([0-9a-z]+)([+-])([0-9a-z]*)$/.exec(token);
      if (!m) {
        return;
      }
      let i = position < course.questions.length && shortHash(course.questions[position].key) === m[1] ? position : byHash.get(m[1]);
      if (i === void 0 || i < 0 || used.has(i)) {
        return;
      }
      used.add(i);
      const q = course.questions[i];
      let mask;
      try {
        mask = [...m[2]].reduce((acc, c) => acc * 36n + BigInt(parseInt(c, 36)), 0n);
      } catch (e) {
        return;
      }
      const choices = [];
      for (let c = 0; c < q.choices.length; c += 1) {
        if (mask >> BigInt(c) & 1n) {
          choices.push(c);
        }
      }
      if (!choices.length) {
        return;
      }
      state.set(`quiz:${course.course}/${q.key}`, { choices, result: m[3] === "+" ? "correct" : "incorrect" });
      const attempts = m[4] ? parseInt(m[4], 36) : 1;
      if (attempts > 1) {
        state.set(`attempts:${course.course}/${q.key}`, attempts);
      }
    });
    return state;
  }
  function sessionTime12(ms) {
    const total = Math.max(0, Math.round(ms / 10)) / 100;
    const h = Math.floor(total / 3600);
    const m = Math.floor(total % 3600 / 60);
    const s = total - h * 3600 - m * 60;
    return `${String(Math.min(h, 9999)).padStart(4, "0")}:${String(m).padStart(2, "0")}:${s.toFixed(2).padStart(5, "0")}`;
  }
  function sessionTime2004(ms) {
    const total = Math.max(0, Math.round(ms / 10)) / 100;
    const h = Math.floor(total / 3600);
    const m = Math.floor(total % 3600 / 60);
    const s = Math.round((total - h * 3600 - m * 60) * 100) / 100;
    return `PT${h}H${m}M${s}S`;
  }
  function timestamp(date) {
    return date.toISOString().slice(0, 22) + "Z";
  }
  function floorTo(value, decimals) {
    const f = 10 ** decimals;
    return Math.floor(value * f + 1e-9) / f;
  }
  function createScormRecorder(options) {
    const { course } = options;
    const v2004 = options.version === "2004";
    const now = options.now || (() => Date.now());
    const api = options.api || findAPI(options.win, v2004 ? "2004" : "1.2");
    if (!api) {
      return null;
    }
    const call = (name, ...args) => {
      try {
        return api[name](...args);
      } catch (e) {
        return "";
      }
    };
    const fn = v2004 ? { init: "Initialize", get: "GetValue", set: "SetValue", commit: "Commit", finish: "Terminate" } : { init: "LMSInitialize", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit", finish: "LMSFinish" };
    if (String(call(fn.init, "")) !== "true") {
      return null;
    }
    const get = (el) => String(call(fn.get, el) ?? "");
    const set = (el, value) => String(call(fn.set, el, String(value))) === "true";
    const started = now();
    let finished = false;
    let dirty = false;
    const prefix = `${course.course}/`;
    const state = decodeState(course, get("cmi.suspend_data"));
    const locationElement = v2004 ? "cmi.location" : "cmi.core.lesson_location";
    const location = get(locationElement);
    if (location) {
      state.set(`location:${course.course}`, location);
    }
    const questionKeys = course.questions.map((q) => q.key);
    const byKey = questionIndex(course);
    let passedBefore = get(v2004 ? "cmi.success_status" : "cmi.core.lesson_status") === "passed";
    let bestPercent = passedBefore ? Number(get(v2004 ? "cmi.score.raw" : "cmi.core.score.raw")) || 0 : 0;
    if (v2004) {
      const completion = get("cmi.completion_status");
      if (completion === "unknown" || completion === "not attempted" || completion === "") {
        set("cmi.completion_status", "incomplete");
      }
    } else {
      const status = get("cmi.core.lesson_status");
      if (status === "not attempted" || status === "") {
        set("cmi.core.lesson_status", "incomplete");
      }
    }
    function records() {
      const out = {};
      for (const key of questionKeys) {
        const r = state.get(`quiz:${course.course}/${key}`);
        if (r) {
          out[key] = r;
        }
      }
      return out;
    }
    function report() {
      const score = courseScore(questionKeys, records());
      const visited = course.lessons.filter((l) => state.get(`visited:${course.course}/${l.id}`)).length;
      const passed = passedBefore || isCoursePassed(score, course.passMark, { visited, total: course.lessons.length });
      const finishedQuiz = score.total > 0 && score.answered === score.total;
      let percent = score.total ? floorTo(score.right * 100 / score.total, 2) : 0;
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
        set("cmi.success_status", passed ? "passed" : finishedQuiz ? "failed" : "unknown");
        set("cmi.completion_status", passed || finishedQuiz ? "completed" : "incomplete");
      } else {
        set("cmi.core.score.min", 0);
        set("cmi.core.score.max", 100);
        set("cmi.core.score.raw", percent);
        set("cmi.core.lesson_status", passed ? "passed" : finishedQuiz ? "failed" : "incomplete");
      }
      return { score, passed };
    }
    function storeSuspend() {
      const text = encodeWithin(course, state, v2004 ? 64e3 : SUSPEND_LIMIT_12);
      set("cmi.suspend_data", text);
    }
    function commit() {
      if (finished || !dirty) {
        return;
      }
      dirty = false;
      call(fn.commit, "");
    }
    function interaction(event) {
      const q = course.questions[byKey.get(`${event.lesson}/${event.question}`)];
      if (!v2004 || !q) {
        return;
      }
      const n = Number(get("cmi.interactions._count")) || 0;
      const base = `cmi.interactions.${n}.`;
      const id = course.activityBase ? `${course.courseIri}${event.lesson}/#${event.question}` : `urn:lmsctl:${course.course}:${event.lesson}:${event.question}`;
      set(base + "id", id);
      set(base + "type", "choice");
      set(base + "timestamp", timestamp(new Date(now())));
      set(base + "correct_responses.0.pattern", (event.correct || q.correct).join("[,]"));
      set(base + "learner_response", (event.response || []).join("[,]"));
      set(base + "result", event.success ? "correct" : "incorrect");
    }
    const recorder2 = {
      name: "scorm",
      version: v2004 ? "2004" : "1.2",
      load(key) {
        return state.has(key) ? state.get(key) : null;
      },
      save(key, value) {
        if (finished) {
          return;
        }
        if (key === `location:${course.course}`) {
          if (state.get(key) !== value) {
            state.set(key, value);
            set(locationElement, String(value).slice(0, 255));
            dirty = true;
          }
          return;
        }
        const rest = key.slice(key.indexOf(":") + 1);
        if (!rest.startsWith(prefix)) {
          return;
        }
        const before = JSON.stringify(state.has(key) ? state.get(key) : null);
        if (before === JSON.stringify(value ?? null)) {
          return;
        }
        if (value === null || value === void 0) {
          state.delete(key);
        } else {
          state.set(key, value);
        }
        storeSuspend();
        if (key.startsWith("quiz:") || key.startsWith("visited:")) {
          report();
        }
        dirty = true;
      },
      record(event) {
        try {
          if (finished || !event || event.course !== course.course) {
            return;
          }
          if (event.verb === "answered") {
            const attemptsKey = `attempts:${course.course}/${event.lesson}/${event.question}`;
            if (event.attempt) {
              state.set(attemptsKey, event.attempt);
              storeSuspend();
            }
            interaction(event);
            report();
            dirty = true;
            commit();
          } else if (event.verb === "passed") {
            report();
            dirty = true;
            commit();
          }
        } catch (e) {
        }
      },
      flush() {
        try {
          commit();
        } catch (e) {
        }
      },
      /* The score and status as reported (for the launch page and the tests). */
      status() {
        return report();
      },
      finish() {
        if (finished) {
          return;
        }
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
        } catch (e) {
        }
        finished = true;
      }
    };
    return recorder2;
  }

  // lmsctl/targets/scorm/launch/launch.js
  var data = JSON.parse(document.getElementById("lmsctl-package").textContent);
  var recorder = null;
  if (data.format === "scorm12" || data.format === "scorm2004") {
    recorder = createScormRecorder({
      win: window,
      course: data,
      version: data.format === "scorm2004" ? "2004" : "1.2"
    });
  }
  window.lmsctlPackage = { data, recorder, launchSearch: window.location.search };
  var frame = document.getElementById("lmsctl-frame");
  var start = data.start;
  var bookmark = recorder && recorder.load(`location:${data.course}`);
  var lesson = bookmark && data.lessons.find((l) => l.id === bookmark);
  if (lesson) {
    start = lesson.url;
  }
  frame.setAttribute("src", start);
  window.addEventListener("pagehide", () => {
    if (recorder) {
      recorder.finish();
    }
  });
})();
