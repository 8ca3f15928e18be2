// Every mechanic page (loaded by the base template): listen on the mechanic's channel
// (static/js/stream.js); on each event fetch the offer list (a server-rendered fragment),
// update the header's Offers count and, on the offers page, the list itself. A new offer
// raises a browser notification (once the mechanic allows it with the header's button) and
// a short tone. Without JavaScript every page still works: reload, and the forms post.
(function () {
  "use strict";
  var link = document.querySelector("[data-offers-link][data-channel]");
  if (!link || !window.mmStream || !window.mmCoalesce) return;
  var count = link.querySelector("[data-offers-count]");
  var list = document.getElementById("offer-list"); // only on the offers page
  var status = document.getElementById("live-status");
  var channel = "?channel=" + encodeURIComponent(link.dataset.channel);
  var known = (link.dataset.offerIds || "").split(" ").filter(Boolean);

  var alertsItem = document.querySelector("[data-offer-alerts-item]");
  var alertsButton = document.getElementById("offer-alerts");
  if (alertsItem && alertsButton && "Notification" in window && Notification.permission === "default") {
    alertsItem.hidden = false;
    alertsButton.addEventListener("click", function () {
      Notification.requestPermission().then(function () { alertsItem.hidden = true; });
    });
  }

  function offerIds(root) {
    return Array.prototype.map.call(root.querySelectorAll("[data-offer-id]"), function (el) {
      return el.dataset.offerId;
    });
  }
  function tone() {
    try {
      var audio = new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator();
      osc.frequency.value = 880;
      osc.connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.25);
    } catch (e) { /* no audio: the count and the notification still say it */ }
  }
  function announce(ids) {
    if (count) count.textContent = String(ids.length);
    var fresh = ids.filter(function (id) { return known.indexOf(id) < 0; });
    known = ids;
    if (!fresh.length) return;
    tone();
    if ("Notification" in window && Notification.permission === "granted") {
      var note = new Notification(link.dataset.alertTitle || "New offer", { tag: "offer-" + fresh[0] });
      note.onclick = function () {
        window.focus();
        window.location.assign(link.href + "#offer-" + fresh[0]);
      };
    }
  }
  var refresh = window.mmCoalesce(function () {
    return fetch(link.dataset.fragmentUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var box = document.createElement("div");
        box.innerHTML = html; // our own server's escaped fragment, as the list itself shows it
        if (list) list.innerHTML = html;
        announce(offerIds(box));
      });
  });

  window.mmStream(link.dataset.streamUrl + channel, refresh, {
    // The page was rendered up to this event: resume after it, and poll the events
    // endpoint (cheap) rather than re-fetching the list when the stream gives up.
    lastEventId: link.dataset.lastEventId || "0",
    pollUrl: link.dataset.pollUrl + channel,
    safetyPollMs: 0,
    onState: function (state) {
      if (!list || !status) return;
      var text = state === "live" ? list.dataset.liveText : list.dataset.pollText;
      if (text) status.textContent = text;
    }
  });
})();
