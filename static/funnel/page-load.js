// Reports how long this page took to load, as the browser measured it
// (PerformanceNavigationTiming), once per page view, with navigator.sendBeacon.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !navigator.sendBeacon || !window.performance || !performance.getEntriesByType) return;
  var sent = false;

  function send() {
    if (sent) return;
    var entry = performance.getEntriesByType("navigation")[0];
    if (!entry || !entry.loadEventEnd) return;
    sent = true;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", script.dataset.csrf);
    data.append("page", script.dataset.page);
    data.append("view", script.dataset.view);
    data.append("ms", String(Math.round(entry.loadEventEnd - entry.startTime)));
    navigator.sendBeacon(script.dataset.beaconUrl, data);
  }

  // loadEventEnd is only set once the load handlers have returned.
  if (document.readyState === "complete") {
    setTimeout(send, 0);
  } else {
    window.addEventListener("load", function () { setTimeout(send, 0); });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") send();
  });
})();
