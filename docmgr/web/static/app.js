/* docmgr UI: task check/add and changelog add through the JSON API (live server only),
   client-side ticket filters (static site), and "/" to focus search. Plain JS, no deps. */
(function () {
  "use strict";
  var live = document.body.classList.contains("live");

  function post(path, body) {
    return fetch("/api/v1/" + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) {
          var err = (data && data.error) || {};
          throw new Error(err.message || ("HTTP " + res.status));
        }
        return data;
      });
    });
  }

  function say(id, text) {
    var el = document.getElementById(id);
    if (el) { el.textContent = text; }
  }

  if (live) {
    document.querySelectorAll("input.task-box").forEach(function (box) {
      box.addEventListener("change", function () {
        var checked = box.checked;
        box.disabled = true;
        post("tickets/tasks/check", {
          ticket: box.dataset.ticket, refs: [box.dataset.ref], checked: checked
        }).then(function () {
          box.closest("li").classList.toggle("done", checked);
          say("task-status", (checked ? "Checked " : "Unchecked ") + box.dataset.ref + ".");
        }).catch(function (e) {
          box.checked = !checked;
          say("task-status", "Not saved: " + e.message);
        }).finally(function () { box.disabled = false; });
      });
    });

    var add = document.getElementById("task-add");
    if (add) {
      add.addEventListener("submit", function (ev) {
        ev.preventDefault();
        post("tickets/tasks/add", {
          ticket: add.dataset.ticket, section: add.section.value, text: add.text.value
        }).then(function () { location.hash = "tasks"; location.reload(); })
          .catch(function (e) { say("task-status", "Not added: " + e.message); });
      });
    }

    var log = document.getElementById("changelog-add");
    if (log) {
      log.addEventListener("submit", function (ev) {
        ev.preventDefault();
        post("tickets/changelog", {
          ticket: log.dataset.ticket, title: log.title.value, entry: log.entry.value
        }).then(function () { location.hash = "changelog"; location.reload(); })
          .catch(function (e) { say("changelog-status", "Not added: " + e.message); });
      });
    }
  }

  /* Static site: the ticket filters run in the page (there is no server to ask). */
  var form = document.getElementById("ticket-filters");
  var table = document.getElementById("ticket-table");
  if (!live && form && table) {
    var params = new URLSearchParams(location.search);
    ["q", "status", "topic", "owner", "order"].forEach(function (name) {
      if (form.elements[name] && params.get(name) !== null) { form.elements[name].value = params.get(name); }
    });
    var apply = function () {
      var q = (form.elements.q.value || "").toLowerCase().trim();
      var status = form.elements.status.value;
      var topic = (form.elements.topic.value || "").toLowerCase();
      var owner = form.elements.owner ? (form.elements.owner.value || "").toLowerCase() : "";
      var order = form.elements.order.value;
      var rows = Array.prototype.slice.call(table.tBodies[0].rows);
      var shown = 0;
      rows.forEach(function (row) {
        var ok = (!q || row.dataset.text.indexOf(q) >= 0) &&
          (!status || row.dataset.status === status) &&
          (!topic || row.dataset.topics.split("|").indexOf(topic) >= 0) &&
          (!owner || row.dataset.owners.split("|").indexOf(owner) >= 0);
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      var key = { ticket: "id", title: "title", last_updated: "updated" }[order] || "updated";
      rows.sort(function (a, b) {
        var x = a.dataset[key], y = b.dataset[key];
        return key === "updated" ? (x < y ? 1 : x > y ? -1 : 0) : (x < y ? -1 : x > y ? 1 : 0);
      }).forEach(function (row) { table.tBodies[0].appendChild(row); });
      var count = document.getElementById("ticket-count");
      if (count) { count.textContent = String(shown); }
    };
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); apply(); });
    apply();
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    var tag = (document.activeElement && document.activeElement.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") { return; }
    var box = document.querySelector("#search-form input[name=q]") || document.querySelector("form.quick input");
    if (box) { ev.preventDefault(); box.focus(); }
  });
})();
