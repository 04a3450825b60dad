/*
 * lmsctl search (part of lmsctl, MIT): the site's search dialog. No imports, no request
 * outside the site: it reads the split index that lmsctl writes under search/<scope>/
 * (lmsctl/targets/site/learner_search.py describes the files), only the parts a query needs:
 * meta.json, the term files of each group that can hold the query's words and the document
 * files of the results shown (ten at a time).
 *
 * Markup: theme/partials/lmsctl-search.html (a button that opens a <dialog>; "/" opens it
 * where there is a keyboard). Keyboard: type, then ArrowDown/ArrowUp move between the results
 * (Tab too), Enter opens one (Enter in the box opens the first), Escape closes.
 */
(function (script) {
  "use strict";
  var dialog = document.querySelector("[data-lmsctl-search]");
  if (!dialog || !script || !window.fetch) return;
  var opener = document.querySelector("[data-lmsctl-search-open]");
  var form = dialog.querySelector("form");
  var input = dialog.querySelector("input[type=search]");
  var status = dialog.querySelector("[role=status]");
  var list = dialog.querySelector("ol");
  /* The index is at the site's root, two folders above this script (assets/lmsctl/): this
     holds on every page, the 404 page served at any address included. */
  var base = new URL("../../search/", script);
  var root = new URL("../", base);
  var text = JSON.parse(dialog.getAttribute("data-text") || "{}");
  var more = dialog.querySelector("[data-lmsctl-search-more]");
  var PAGE = 10;
  var files = {};
  var run = 0;
  var timer = 0;

  /* The words of a text as learner_search.words sees them. */
  function words(s) {
    return s.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .match(/[\p{L}\p{N}]+/gu) || [];
  }

  /* The index of the last first-entry at or before `key` in a sorted list (0 if none). */
  function at(firsts, key) {
    var lo = 0, hi = firsts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (firsts[mid] <= key) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /* The term files that can hold a word and the longer terms it starts. */
  function termFiles(meta, word) {
    var first = at(meta.terms, word);
    var last = first;
    while (last + 1 < meta.terms.length && meta.terms[last + 1].lastIndexOf(word, 0) === 0) last++;
    var out = [];
    for (var k = first; k <= last; k++) out.push(k);
    return out;
  }

  /* A file of the index, fetched once. */
  function get(path) {
    if (!files[path]) {
      files[path] = fetch(new URL(path, base)).then(function (r) {
        if (!r.ok) throw new Error(path + ": " + r.status);
        return r.json();
      });
      files[path].catch(function () { delete files[path]; });
    }
    return files[path];
  }

  function scope() {
    var checked = form.querySelector("input[name=scope]:checked") ||
      form.querySelector("input[name=scope]");
    return checked ? checked.value : "learn";
  }

  /* Per document: the best score of one query word (a term it starts; a title counts
     three times, a longer word than the one typed 0.7 times; rarer terms weigh more, counted
     over every group). `found`: per group, its first document's number and the term files
     read. */
  function wordScores(word, found, total) {
    var scores = new Map();
    var postings = new Map();
    found.forEach(function (group) {
      group.shards.forEach(function (terms) {
        Object.keys(terms).forEach(function (term) {
          if (term.lastIndexOf(word, 0) !== 0) return;
          var ids = terms[term].split(",");
          if (!postings.has(term)) postings.set(term, []);
          postings.get(term).push([group.offset, ids]);
        });
      });
    });
    postings.forEach(function (lists, term) {
      var count = 0;
      lists.forEach(function (x) { count += x[1].length; });
      var weight = Math.log(1 + total / count) * (term === word ? 1 : 0.7);
      lists.forEach(function (x) {
        var offset = x[0], ids = x[1];
        for (var i = 0; i < ids.length; i++) {
          var p = parseInt(ids[i], 36);
          var doc = offset + (p >> 1);
          var s = p & 1 ? 3 * weight : weight;
          if (!(scores.get(doc) >= s)) scores.set(doc, s);
        }
      });
    });
    return scores;
  }
  /* Where each group's documents start in the scope's numbering (its groups one after the
     other). */
  function offsets(meta) {
    var out = [], n = 0;
    meta.groups.forEach(function (group) { out.push(n); n += group.docs; });
    return out;
  }
  /* The documents (ids) having every word, best first. */
  async function rank(query, where) {
    var meta = await get(where + "/meta.json");
    var stop = new Set(meta.stop);
    var wanted = Array.from(new Set(words(query).filter(function (w) {
      return w.length > 1 && !stop.has(w);
    })));
    if (!wanted.length || !meta.docs) return {meta: meta, ids: [], words: wanted};
    var starts = offsets(meta);
    var per = await Promise.all(wanted.map(function (w) {
      return Promise.all(meta.groups.map(function (group, g) {
        if (!group.docs) return {offset: starts[g], shards: []};
        return Promise.all(termFiles(group, w).map(function (k) {
          return get(where + "/" + g + "/t/" + k + ".json");
        })).then(function (shards) { return {offset: starts[g], shards: shards}; });
      })).then(function (found) { return wordScores(w, found, meta.docs); });
    }));
    per.sort(function (a, b) { return a.size - b.size; });
    var ids = [];
    per[0].forEach(function (s, doc) {
      var total = s;
      for (var i = 1; i < per.length; i++) {
        var other = per[i].get(doc);
        if (other === undefined) return;
        total += other;
      }
      ids.push([total, doc]);
    });
    ids.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    return {meta: meta, ids: ids.map(function (x) { return x[1]; }), words: wanted};
  }

  function marked(parent, excerpt, wanted) {
    if (!wanted.length) { parent.textContent = excerpt; return; }
    var escaped = wanted.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    var re = new RegExp("(" + escaped.join("|") + ")", "giu");
    excerpt.split(re).forEach(function (part, i) {
      if (i % 2) {
        var mark = document.createElement("mark");
        mark.textContent = part;
        parent.appendChild(mark);
      } else if (part) {
        parent.appendChild(document.createTextNode(part));
      }
    });
  }

  function item(doc, wanted) {
    var li = document.createElement("li");
    li.className = "lmsctl-search__result";
    var a = document.createElement("a");
    a.href = new URL(doc[0], root).href;
    a.className = "lmsctl-search__link";
    a.textContent = doc[1] || doc[2];
    if (doc[2]) {
      var page = document.createElement("span");
      page.className = "lmsctl-search__page";
      page.textContent = doc[2];
      a.appendChild(document.createTextNode(" "));
      a.appendChild(page);
    }
    li.appendChild(a);
    if (doc[3]) {
      var course = document.createElement("p");
      course.className = "lmsctl-search__course";
      course.textContent = (text.course || "{title}").replace("{title}", doc[3]);
      li.appendChild(course);
    }
    if (doc[4]) {
      var excerpt = document.createElement("p");
      excerpt.className = "lmsctl-search__excerpt";
      marked(excerpt, doc[4], wanted);
      li.appendChild(excerpt);
    }
    return li;
  }

  /* Shows results `from` to `from + PAGE` of the last search (more when asked). */
  async function show(found, where, from, mine) {
    var ids = found.ids.slice(from, from + PAGE);
    var starts = offsets(found.meta);
    var docs = await Promise.all(ids.map(function (id) {
      var g = at(starts, id);  /* the last group starting at or before it: never an empty one */
      var local = id - starts[g];
      var chunks = found.meta.groups[g].chunks;
      var k = at(chunks, local);
      return get(where + "/" + g + "/d/" + k + ".json").then(function (d) {
        return d[local - chunks[k]];
      });
    }));
    if (mine !== run) return;
    if (!from) list.replaceChildren();
    docs.forEach(function (doc) { list.appendChild(item(doc, found.words)); });
    var n = found.ids.length;
    status.textContent = n === 0 ? text.none : n === 1 ? text.one
      : (text.other || "{count}").replace("{count}", String(n));
    more.hidden = from + PAGE >= n;
    more.onclick = function () {
      var next = list.children.length;
      show(found, where, from + PAGE, mine).then(function () {
        var link = list.children[next] && list.children[next].querySelector("a");
        if (link) link.focus();
      });
    };
  }

  async function search() {
    var mine = ++run;
    var query = input.value;
    var where = scope();
    if (!words(query).length) {
      list.replaceChildren();
      status.textContent = "";
      more.hidden = true;
      return;
    }
    status.textContent = text.loading || "";
    try {
      var found = await rank(query, where);
      if (mine !== run) return;
      if (!found.words.length) {  /* one letter, or only words too common to search for */
        list.replaceChildren();
        status.textContent = "";
        more.hidden = true;
        return;
      }
      await show(found, where, 0, mine);
    } catch (e) {
      if (mine === run) {
        list.replaceChildren();
        more.hidden = true;
        status.textContent = text.failed || String(e);
      }
    }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(search, 40);
  }

  function open() {
    if (dialog.open) { input.focus(); return; }
    dialog.showModal();
    input.focus();
    input.select();
    get(scope() + "/meta.json").catch(function () {});
  }

  function links() { return Array.from(list.querySelectorAll("a")); }

  if (opener) opener.addEventListener("click", open);
  dialog.querySelector("[data-lmsctl-search-close]").addEventListener("click", function () {
    dialog.close();
  });
  dialog.addEventListener("click", function (e) {  /* a click on the backdrop closes it */
    if (e.target !== dialog) return;
    var r = dialog.getBoundingClientRect();
    if (e.clientX < r.left || e.clientX > r.right || e.clientY < r.top || e.clientY > r.bottom) {
      dialog.close();
    }
  });
  input.addEventListener("input", later);
  form.addEventListener("change", function (e) {
    if (e.target.name === "scope") { input.focus(); search(); }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var first = links()[0];
    if (first) { dialog.close(); window.location.assign(first.href); }
  });
  list.addEventListener("click", function (e) {
    if (e.target.closest("a")) dialog.close();
  });
  dialog.addEventListener("keydown", function (e) {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (at < 0 && document.activeElement !== input) return;
    e.preventDefault();
    var next = e.key === "ArrowDown" ? at + 1 : at - 1;
    if (next < 0) input.focus();
    else if (next < all.length) all[next].focus();
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || dialog.open) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    e.preventDefault();
    open();
  });
})(document.currentScript && document.currentScript.src);
