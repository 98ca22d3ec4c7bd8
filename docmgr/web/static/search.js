/* Static-site search: matches every word of the query against a prebuilt index
   (static/search-index.js sets window.DOCMGR_SEARCH), best matches first. Works from file://. */
(function () {
  "use strict";
  var data = window.DOCMGR_SEARCH || { docs: [] };
  data.docs.forEach(function (doc) {
    doc.t = ((doc.title || "") + " " + (doc.ticket || "")).toLowerCase();
    doc.k = ((doc.topics || []).join(" ") + " " + (doc.type || "") + " " + doc.p).toLowerCase();
    doc.b = (doc.s || "").toLowerCase();
  });
  var form = document.getElementById("search-form");
  var out = document.getElementById("search-results");
  if (!form || !out) { return; }
  var params = new URLSearchParams(location.search);
  var mode = params.get("mode") === "reverse" ? "reverse" : "docs";
  form.elements.mode.value = mode;
  form.elements.q.value = params.get("q") || "";
  var root = document.body.dataset.search.replace(/search\.html$/, "");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function score(doc, words) {
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      var w = words[i], s = 0;
      if (doc.t.indexOf(w) >= 0) { s += 10; }
      if (doc.k.indexOf(w) >= 0) { s += 5; }
      if (doc.b.indexOf(w) >= 0) { s += 1; }
      if (!s) { return 0; }
      total += s;
    }
    return total;
  }

  function snippet(doc, word) {
    var at = doc.b.indexOf(word);
    var from = Math.max(0, at - 80);
    return (from > 0 ? "…" : "") + doc.s.slice(from, from + 220) + "…";
  }

  function run() {
    var q = (form.elements.q.value || "").trim();
    out.textContent = "";
    if (!q) { return; }
    var hits = [];
    if (mode === "reverse") {
      var needle = q.toLowerCase().replace(/^\.?\//, "");
      data.docs.forEach(function (doc) {
        var files = doc.f.filter(function (f) {
          var low = f.toLowerCase();
          return low === needle || low.slice(-needle.length - 1) === "/" + needle ||
            low.replace(/^[a-z]+:\/\//, "") === needle;
        });
        if (files.length) { hits.push({ doc: doc, score: 1, files: files }); }
      });
    } else {
      var words = q.toLowerCase().split(/\s+/).filter(Boolean);
      data.docs.forEach(function (doc) {
        var s = score(doc, words);
        if (s) { hits.push({ doc: doc, score: s, word: words[0] }); }
      });
      hits.sort(function (a, b) { return b.score - a.score || (a.doc.p < b.doc.p ? -1 : 1); });
    }
    out.appendChild(el("p", "muted small", hits.length + (hits.length === 1 ? " result" : " results")));
    var list = el("ol", "results");
    hits.slice(0, 200).forEach(function (hit) {
      var doc = hit.doc, li = el("li");
      var a = el("a", "title", doc.title || doc.p);
      a.href = root + doc.u;
      li.appendChild(a);
      var where = el("div", "where", (doc.ticket ? doc.ticket + " · " : "") + (doc.type || "") + " · " + doc.p);
      li.appendChild(where);
      if (hit.files) {
        li.appendChild(el("div", "snippet", "relates " + hit.files.join(", ")));
      } else {
        li.appendChild(el("div", "snippet", snippet(doc, hit.word)));
      }
      list.appendChild(li);
    });
    out.appendChild(list);
  }

  document.querySelectorAll(".modes a[data-mode]").forEach(function (link) {
    link.addEventListener("click", function (ev) {
      ev.preventDefault();
      mode = link.dataset.mode;
      form.elements.mode.value = mode;
      document.querySelectorAll(".modes a").forEach(function (x) { x.classList.toggle("active", x === link); });
      run();
    });
  });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
  form.elements.q.addEventListener("input", run);
  run();
})();
