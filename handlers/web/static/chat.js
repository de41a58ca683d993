// PayHelp chat page: the server-rendered form becomes a live chat. No dependencies, no inline script.
// Every text goes into the page with textContent, never as HTML.
(function () {
  "use strict";
  var form = document.getElementById("chat");
  if (!form || !window.fetch) { return; }
  var log = document.getElementById("log");
  var input = document.getElementById("text");
  var complaint = document.getElementById("complaint");
  var labels = {};
  var asked = 0; // questions sent: only the latest goes back in the box when it fails
  var lastReply = 0;
  var polling = null;
  var pollMs = Number(document.body.getAttribute("data-poll")) || 3000;

  function field(name) { return form.elements.namedItem(name); }
  function session() { return field("session").value; }
  function lang() { return field("lang").value; }

  function bubble(who, text, buttons, links) {
    var box = document.createElement("div");
    box.className = "bubble " + who;
    var p = document.createElement("p");
    p.textContent = text;
    box.appendChild(p);
    (links || []).forEach(function (link) {
      var a = document.createElement("a");
      a.className = "maplink";
      a.href = link.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.textContent = "🗺 " + link.label;
      box.appendChild(a);
    });
    (buttons || []).forEach(function (row) {
      var line = document.createElement("div");
      line.className = "row";
      row.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "submit";
        button.name = "action";
        button.value = b.action;
        button.textContent = b.label;
        line.appendChild(button);
      });
      box.appendChild(line);
    });
    log.appendChild(box);
    box.scrollIntoView({ block: "end" });
    return box;
  }

  function relabel(next) {
    labels = next || labels;
    document.querySelectorAll("[data-label]").forEach(function (el) {
      var text = labels[el.getAttribute("data-label")];
      if (text) { el.textContent = text; }
    });
    if (labels["web.ask"]) { input.placeholder = labels["web.ask"]; }
    if (labels["web.title"]) { document.title = labels["web.title"]; }
  }

  function show(turn) {
    field("session").value = turn.session;
    if (turn.lang !== lang()) {
      field("lang").value = turn.lang;
      document.documentElement.lang = turn.lang;
      document.querySelectorAll(".langs button").forEach(function (b) {
        if (b.value === "l:" + turn.lang) { b.setAttribute("aria-current", "true"); } else { b.removeAttribute("aria-current"); }
      });
    }
    relabel(turn.labels);
    document.body.classList.toggle("elder", !!turn.elder);
    var elder = form.querySelector('button[value="e"]');
    if (elder) { elder.setAttribute("aria-pressed", String(!!turn.elder)); }
    turn.bubbles.forEach(function (b) { bubble(b.who, b.text, b.buttons, b.answer && b.answer.links); });
    if (turn.form === "complaint") {
      complaint.hidden = false;
      field("place").focus();
    }
    if (turn.locate) { locate(); }
    if (turn.ticket && !polling) { polling = window.setInterval(poll, pollMs); }
  }

  function call(method, url, body) {
    var options = { method: method, headers: { "content-type": "application/json" } };
    if (body) { options.body = JSON.stringify(body); }
    var sorry = labels["error_generic"] || "?";
    // A server that cannot be reached, or fails with a page that is not our JSON, gets one kind line.
    return fetch(url, options).catch(function () { throw new Error(sorry); }).then(function (r) {
      // An answer that is not our JSON (a cut-off body, a Wi-Fi sign-in page) is a failure, whatever its status.
      return r.json().catch(function () { throw new Error(sorry); }).then(function (data) {
        if (r.status >= 500 || !data || (!r.ok && !data.error)) { throw new Error(sorry); }
        if (!r.ok) { throw new Error(data.error); }
        return data;
      });
    });
  }

  function send(body, undo) {
    body.session = session();
    body.lang = lang();
    return call("POST", "/api/v1/chat", body).then(show, function (error) {
      failed(error);
      if (undo) { undo(); }
    });
  }

  function failed(error) { bubble("bot", "⚠️ " + error.message); }

  function locate() {
    if (!navigator.geolocation) { bubble("bot", labels["web.location_denied"] || "?"); return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      send({ lat: pos.coords.latitude, lon: pos.coords.longitude });
    }, function () {
      bubble("bot", labels["web.location_denied"] || "?");
    }, { timeout: 15000, maximumAge: 60000 });
  }

  function poll() {
    call("GET", "/api/v1/replies?session=" + encodeURIComponent(session()) + "&after=" + lastReply).then(function (data) {
      data.replies.forEach(function (r) {
        lastReply = Math.max(lastReply, r.id);
        bubble("staff", r.text);
      });
    }, function () {});
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var by = event.submitter || document.activeElement || {};
    if (by.name === "action") {
      bubble("user", by.textContent);
      send({ action: by.value });
    } else if (by.value === "locate") {
      locate();
    } else if (by.value === "privacy") {
      call("GET", "/api/v1/privacy?session=" + encodeURIComponent(session()) + "&lang=" + lang()).then(show, failed);
    } else if (by.value === "forget") {
      call("POST", "/api/v1/forget", { session: session(), lang: lang() }).then(function (turn) {
        log.textContent = "";
        show(turn);
      }, failed);
    } else if (by.value === "complain") {
      var place = field("place").value.trim();
      var what = field("what").value.trim();
      if (!place) { field("place").focus(); return; }
      if (!what) { field("what").focus(); return; }
      call("POST", "/api/v1/complaint", { session: session(), lang: lang(), place: place, what: what, date: field("date").value.trim() || null }).then(function (turn) {
        complaint.hidden = true;
        ["place", "what", "date"].forEach(function (name) { field(name).value = ""; });
        show(turn);
        input.focus();
      }, failed);
    } else if (by.value === "cancel") {
      complaint.hidden = true;
      input.focus();
    } else {
      var text = input.value.trim();
      if (!text) { input.focus(); return; }
      input.value = "";
      bubble("user", text);
      // Not answered: the latest question goes back in the box, to send again.
      var sent = ++asked;
      send({ text: text }, function () { if (!input.value && sent === asked) { input.value = text; } });
    }
  });

  if (document.body.getAttribute("data-ticket")) { polling = window.setInterval(poll, pollMs); }
  document.querySelectorAll("[data-label]").forEach(function (el) { labels[el.getAttribute("data-label")] = el.textContent; });
})();
