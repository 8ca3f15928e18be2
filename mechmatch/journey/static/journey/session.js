// Session page: live chat (sent without reloading, received through the page's channel),
// the session timer, and the move to the completion page when the session ends.
(function () {
  "use strict";
  var root = document.getElementById("session");
  if (!root) return;
  var log = document.getElementById("chat-log");
  var form = document.getElementById("chat-form");
  var messagesUrl = root.getAttribute("data-messages-url");
  var completeUrl = root.getAttribute("data-complete-url");
  var consultationId = root.getAttribute("data-consultation");

  function lastId() {
    var lines = log.querySelectorAll("[data-id]");
    return lines.length ? lines[lines.length - 1].getAttribute("data-id") : "0";
  }

  function ended() {
    if (completeUrl) { window.location.assign(completeUrl); return; }
    var status = document.getElementById("session-status");
    if (status) status.innerHTML = "";
    if (form) form.hidden = true;
    window.location.reload();
  }

  var pull = window.mmCoalesce(function () {
    return fetch(messagesUrl + "?after=" + encodeURIComponent(lastId()), {
      credentials: "same-origin", headers: { "X-Requested-With": "fetch" }
    })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        var status = response.headers.get("X-Session-Status");
        return response.text().then(function (html) { return { html: html, status: status }; });
      })
      .then(function (result) {
        if (result.html.trim()) {
          var seen = {};
          log.querySelectorAll("[data-id]").forEach(function (li) { seen[li.getAttribute("data-id")] = true; });
          var holder = document.createElement("ol");
          holder.innerHTML = result.html; // server-rendered and escaped
          Array.prototype.slice.call(holder.children).forEach(function (li) {
            if (!seen[li.getAttribute("data-id")]) log.appendChild(li);
          });
          log.scrollTop = log.scrollHeight;
        }
        if (result.status && result.status !== "active" && root.getAttribute("data-status") === "active") {
          root.setAttribute("data-status", result.status);
          ended();
        }
      });
  });

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var box = form.querySelector("textarea");
      var error = document.getElementById(box.id + "-error");
      if (!box.value.trim()) { box.focus(); return; }
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      fetch(form.action, {
        method: "POST", credentials: "same-origin", body: new FormData(form),
        headers: { "X-Requested-With": "fetch" }
      })
        .then(function (response) {
          if (response.ok) {
            box.value = "";
            if (error) error.textContent = "";
            pull();
          } else {
            return response.text().then(function (text) { if (error) error.textContent = text; });
          }
        })
        .catch(function () { form.submit(); })
        .then(function () { button.disabled = false; box.focus(); });
    });
    form.querySelector("textarea").addEventListener("keydown", function (event) {
      // Enter sends, Shift+Enter makes a new line (as in most chats).
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
      }
    });
  }

  // The plan's length is the session's length: warnings at 5 and 1 minute left, and at the
  // end the page asks the server, which closes the session for both sides.
  var timer = root.querySelector(".timer[data-started]");
  var warning = document.getElementById("time-warning");
  if (timer) {
    var started = Date.parse(timer.getAttribute("data-started"));
    var ends = Date.parse(timer.getAttribute("data-ends") || "") || 0;
    var warned = {};
    var tick = function () {
      var now = Date.now();
      timer.textContent = window.mmClock((now - started) / 1000);
      if (!ends || !warning) return;
      var left = (ends - now) / 1000;
      var key = left <= 0 ? "up" : left <= 60 ? "one" : left <= 300 ? "five" : "";
      if (key && !warned[key]) {
        warned[key] = true;
        warning.textContent = warning.getAttribute("data-" + key);
        warning.hidden = false;
        if (key === "up") { timer.classList.add("over"); pull(); }
      }
      if (key === "up" && Math.floor(-left) % 5 === 4) pull(); // until the server says it ended
    };
    if (root.getAttribute("data-status") === "active") { tick(); setInterval(tick, 1000); }
  }

  var endForm = document.getElementById("end-form");
  if (endForm) {
    endForm.addEventListener("submit", function (event) {
      if (!window.confirm(endForm.getAttribute("data-confirm"))) event.preventDefault();
    });
  }

  if (root.getAttribute("data-status") === "active") {
    window.mmStream(root.getAttribute("data-stream-url"), function (data) {
      if (data && data.payload && data.payload.consultationId && String(data.payload.consultationId) !== consultationId) {
        return; // another session's news on the mechanic's channel
      }
      if (data && data.kind === "rtc_signal") {
        // The video call's signalling (video.js): not a chat change.
        document.dispatchEvent(new CustomEvent("mm:rtc-signal", { detail: data.payload }));
        return;
      }
      if (data && (data.kind === "session_ended" || data.kind === "completed")) { ended(); return; }
      pull();
    }, { onState: function (state) { root.setAttribute("data-stream", state); } });
  }
  log.scrollTop = log.scrollHeight;
})();
