// Live offer list: listen on the mechanic's channel and re-render the list (server-side
// HTML fragment) on every event. EventSource first; if it keeps failing, poll instead.
// Without JavaScript the page still works: reload it, accept and decline are plain forms.
(function () {
  "use strict";
  var list = document.getElementById("offer-list");
  if (!list) return;
  var status = document.getElementById("live-status");
  var channel = list.dataset.channel;
  var lastId = parseInt(list.dataset.lastEventId || "0", 10) || 0;
  var refreshing = false, again = false, failures = 0, pollTimer = null;

  function setStatus(text) { if (status && text) status.textContent = text; }

  function refresh() {
    if (refreshing) { again = true; return; }
    refreshing = true;
    fetch(list.dataset.fragmentUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { list.innerHTML = html; })
      .catch(function () { /* keep the current list; the next event retries */ })
      .then(function () { refreshing = false; if (again) { again = false; refresh(); } });
  }

  function poll() {
    var url = list.dataset.pollUrl + "?channel=" + encodeURIComponent(channel) + "&after=" + lastId;
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        if (data.events && data.events.length) { lastId = data.lastId; refresh(); }
      })
      .catch(function () {})
      .then(function () { pollTimer = setTimeout(poll, 3000); });
  }

  function startPolling() {
    if (pollTimer) return;
    setStatus(list.dataset.pollText);
    poll();
  }

  if (!window.EventSource) { startPolling(); return; }
  var source = new EventSource(
    list.dataset.streamUrl + "?channel=" + encodeURIComponent(channel) + "&lastEventId=" + lastId
  );
  source.onopen = function () { failures = 0; setStatus(list.dataset.liveText); };
  source.onmessage = function (e) {
    var id = parseInt(e.lastEventId || "0", 10);
    if (id) lastId = Math.max(lastId, id);
    refresh();
  };
  source.onerror = function () {
    // The server closes streams every minute on purpose; only repeated failures mean trouble.
    failures += 1;
    if (failures >= 3) { source.close(); startPolling(); }
  };
})();
