// Live offer list: listen on the mechanic's channel (static/js/stream.js) and re-render the
// list (server-side HTML fragment) on every event.
// Without JavaScript the page still works: reload it, accept and decline are plain forms.
(function () {
  "use strict";
  var list = document.getElementById("offer-list");
  if (!list) return;
  var status = document.getElementById("live-status");
  var channel = "?channel=" + encodeURIComponent(list.dataset.channel);

  // A new offer also raises a browser notification (once the mechanic allows it) and a
  // short tone, and the header's Offers count follows the list.
  var alertsButton = document.getElementById("offer-alerts");
  if (alertsButton && "Notification" in window && Notification.permission === "default") {
    alertsButton.hidden = false;
    alertsButton.addEventListener("click", function () {
      Notification.requestPermission().then(function () { alertsButton.hidden = true; });
    });
  }
  function offerIds() {
    return Array.prototype.map.call(list.querySelectorAll("[data-offer-id]"), function (el) { return el.dataset.offerId; });
  }
  function tone() {
    try {
      var audio = new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator();
      osc.frequency.value = 880;
      osc.connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.25);
    } catch (e) { /* no audio: the list and the notification still say it */ }
  }
  function announce(before) {
    var ids = offerIds();
    var count = document.querySelector("[data-offers-count]");
    if (count) count.textContent = String(ids.length);
    var fresh = ids.filter(function (id) { return before.indexOf(id) < 0; });
    if (!fresh.length) return;
    tone();
    if ("Notification" in window && Notification.permission === "granted") {
      new Notification(list.dataset.alertTitle || "New offer", { tag: "offer-" + fresh[0] });
    }
  }
  var refresh = window.mmCoalesce(function () {
    var before = offerIds();
    return fetch(list.dataset.fragmentUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { list.innerHTML = html; announce(before); });
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
