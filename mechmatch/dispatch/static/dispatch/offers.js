// Live offer list: listen on the mechanic's channel (static/js/stream.js) and re-render the
// list (server-side HTML fragment) on every event.
// Without JavaScript the page still works: reload it, accept and decline are plain forms.
(function () {
  "use strict";
  var list = document.getElementById("offer-list");
  if (!list) return;
  var status = document.getElementById("live-status");
  var channel = "?channel=" + encodeURIComponent(list.dataset.channel);

  var refresh = window.mmCoalesce(function () {
    return fetch(list.dataset.fragmentUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { list.innerHTML = html; });
  });

  window.mmStream(list.dataset.streamUrl + channel, refresh, {
    // The list was rendered up to this event: resume after it, and poll the events
    // endpoint (cheap) rather than re-fetching the list when the stream gives up.
    lastEventId: list.dataset.lastEventId || "0",
    pollUrl: list.dataset.pollUrl + channel,
    safetyPollMs: 0,
    onState: function (state) {
      var text = state === "live" ? list.dataset.liveText : list.dataset.pollText;
      if (status && text) status.textContent = text;
    }
  });
})();
