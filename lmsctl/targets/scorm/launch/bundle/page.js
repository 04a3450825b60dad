/* Generated from lmsctl/targets/scorm/launch/page.js by scripts/bundle-runtime.mjs (make runtime-bundle); do not edit. The package's script on every page of an exported course, before lmsctl.js. */
(() => {
  // lmsctl/runtime/config.js
  function readConfig(doc) {
    const el = doc.getElementById("lmsctl-config");
    if (!el) {
      return {};
    }
    try {
      const value = JSON.parse(el.textContent || "{}");
      return value && typeof value === "object" && !Array.isArray(value) ? value : {};
    } catch (e) {
      return {};
    }
  }

  // lmsctl/runtime/storage.js
  function prefixFor(scope) {
    return "lmsctl:" + scope + ":";
  }
  function siteScope(global) {
    try {
      if (global && global.__md_scope) {
        return global.__md_scope.pathname;
      }
    } catch (e) {
    }
    return "/";
  }
  function scopeOf(scope, global) {
    if (typeof scope === "string" && scope) {
      try {
        return new URL(scope, global.location.href).pathname;
      } catch (e) {
      }
    }
    return siteScope(global);
  }
  function openStorage(prefix, backend2) {
    function get(key) {
      try {
        const value = backend2.getItem(prefix + key);
        return value === null ? null : JSON.parse(value);
      } catch (e) {
        return null;
      }
    }
    function set(key, value) {
      try {
        backend2.setItem(prefix + key, JSON.stringify(value));
        return true;
      } catch (e) {
        return false;
      }
    }
    function remove(key) {
      try {
        backend2.removeItem(prefix + key);
      } catch (e) {
      }
    }
    return { prefix, get, set, remove };
  }

  // lmsctl/runtime/xapi/launch.js
  function first(value) {
    return Array.isArray(value) ? value[0] : value;
  }
  function normalizeActor(raw) {
    let actor = raw;
    if (typeof actor === "string") {
      try {
        actor = JSON.parse(actor);
      } catch (e) {
        return null;
      }
    }
    if (!actor || typeof actor !== "object") {
      return null;
    }
    const out = { objectType: "Agent" };
    const name = first(actor.name);
    if (typeof name === "string" && name) {
      out.name = name;
    }
    const mbox = first(actor.mbox);
    const sha = first(actor.mbox_sha1sum);
    const openid = first(actor.openid);
    const account = first(actor.account);
    if (typeof mbox === "string" && mbox) {
      out.mbox = mbox.indexOf("mailto:") === 0 ? mbox : "mailto:" + mbox;
    } else if (typeof sha === "string" && sha) {
      out.mbox_sha1sum = sha;
    } else if (typeof openid === "string" && openid) {
      out.openid = openid;
    } else if (account && typeof account === "object") {
      const homePage = account.homePage || account.accountServiceHomePage;
      const accountName = account.name || account.accountName;
      if (typeof homePage !== "string" || typeof accountName !== "string") {
        return null;
      }
      out.account = { homePage, name: accountName };
    } else {
      return null;
    }
    return out;
  }
  function parseLaunch(search) {
    const params = new URLSearchParams(search || "");
    const endpoint = params.get("endpoint");
    if (!endpoint || !/^https?:\/\//i.test(endpoint)) {
      return null;
    }
    const launch = { endpoint: endpoint.replace(/\/?$/, "/") };
    const auth = params.get("auth");
    if (auth) {
      launch.auth = auth;
    }
    const actor = normalizeActor(params.get("actor"));
    if (actor) {
      launch.actor = actor;
    }
    const registration = params.get("registration");
    if (registration && /^[0-9a-f-]{36}$/i.test(registration)) {
      launch.registration = registration;
    }
    return launch;
  }

  // lmsctl/targets/scorm/launch/page.js
  function packageOf(win) {
    try {
      return win.parent && win.parent !== win ? win.parent.lmsctlPackage || null : null;
    } catch (e) {
      return null;
    }
  }
  function localStorageOf(win) {
    try {
      return win.localStorage || null;
    } catch (e) {
      return null;
    }
  }
  var pkg = packageOf(window);
  var backend = localStorageOf(window);
  var config = readConfig(document);
  var store = backend ? openStorage(prefixFor(scopeOf(config.scope, window)), backend) : null;
  if (pkg && store && pkg.data.format === "xapi") {
    const launch = parseLaunch(pkg.launchSearch || "");
    if (launch) {
      store.set("xapi:launch", launch);
      window.lmsctlLaunch = launch;
      const el = document.getElementById("lmsctl-config");
      if (el && !config.analytics) {
        el.textContent = JSON.stringify({ ...config, analytics: {
          endpoint: launch.endpoint,
          auth: launch.auth || "",
          activityBase: pkg.data.activityBase,
          siteUrl: pkg.data.activityBase
        } });
      }
    }
  }
  var recorder = pkg && store ? pkg.recorder : null;
  if (recorder) {
    const data = pkg.data;
    const course = data.course;
    const keys = [
      ...data.questions.flatMap((q) => [`quiz:${course}/${q.key}`, `attempts:${course}/${q.key}`]),
      ...data.lessons.flatMap((l) => [`visited:${course}/${l.id}`, `helpful:${course}/${l.id}`]),
      `location:${course}`
    ];
    for (const key of keys) {
      const value = recorder.load(key);
      if (value === null || value === void 0) {
        store.remove(key);
      } else {
        store.set(key, value);
      }
    }
    const sync = () => {
      for (const key of keys) {
        recorder.save(key, store.get(key));
      }
    };
    document.addEventListener("DOMContentLoaded", () => {
      sync();
      recorder.flush();
    });
    document.addEventListener("click", (event) => {
      const button = event.target.closest && event.target.closest("[data-lmsctl-check], [data-lmsctl-helpful-answer]");
      if (!button) {
        return;
      }
      const question = button.closest("[data-lmsctl-question]");
      if (!question) {
        sync();
        recorder.flush();
        return;
      }
      if (!question.querySelector("input:checked")) {
        return;
      }
      const lesson = question.getAttribute("data-lmsctl-lesson");
      const key = question.getAttribute("data-lmsctl-question");
      const info = data.questions.find((q) => q.key === `${lesson}/${key}`);
      const record = store.get(`quiz:${course}/${lesson}/${key}`);
      if (!info || !record || !Array.isArray(record.choices)) {
        return;
      }
      sync();
      recorder.record({
        verb: "answered",
        course,
        lesson,
        question: key,
        version: info.version,
        choices: info.choices.map((id) => ({ id })),
        correct: info.correct,
        response: record.choices.map((i) => info.choices[i]).filter(Boolean),
        success: record.result === "correct",
        attempt: Number(store.get(`attempts:${course}/${lesson}/${key}`)) || 1
      });
    });
    window.addEventListener("pagehide", () => {
      sync();
      recorder.flush();
    });
  }
})();
