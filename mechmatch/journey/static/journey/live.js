// Waiting room: re-renders the live status from the server on every event and moves to the
// session page the moment a mechanic accepts.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live) return;
  var liveUrl = live.getAttribute("data-live-url");
  var loadedAt = Date.now();

  function sessionUrl() {
    var card = live.querySelector("[data-session-url]");
    return card ? card.getAttribute("data-session-url") : null;
  }

  function tick() {
    var timer = live.querySelector(".timer[data-since-seconds]");
    if (!timer) return;
    var base = parseInt(timer.getAttribute("data-since-seconds"), 10) || 0;
    timer.textContent = window.mmClock(base + (Date.now() - loadedAt) / 1000);
  }

  var refresh = window.mmCoalesce(function () {
    return fetch(liveUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        var target = response.headers.get("X-Session-Url");
        return response.text().then(function (html) { return { html: html, target: target }; });
      })
      .then(function (result) {
        if (result.target) { window.location.assign(result.target); return; }
        // Keep focus where it was if the user is inside the live region (e.g. on a button).
        var hadFocus = live.contains(document.activeElement);
        live.innerHTML = result.html;
        // The page's headline follows the state too (the fragment carries it).
        var headline = document.getElementById("waiting-headline");
        var fresh = live.querySelector("[data-headline]");
        if (headline && fresh) headline.textContent = fresh.textContent.trim();
        loadedAt = Date.now();
        tick();
        if (hadFocus) {
          var first = live.querySelector("button, a");
          if (first) first.focus();
        }
      });
  });

  if (sessionUrl()) { window.location.assign(sessionUrl()); return; }
  setInterval(tick, 1000);
  tick();
  window.mmStream(live.getAttribute("data-stream-url"), refresh);
})();
