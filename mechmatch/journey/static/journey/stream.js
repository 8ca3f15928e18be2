// One live channel per page: server-sent events when the browser and network allow,
// otherwise (or additionally, slowly) polling. The callback only hears "something changed";
// the page then re-fetches server-rendered HTML, so the server stays the one source of truth.
window.mmStream = function (streamUrl, onChange, options) {
  "use strict";
  options = options || {};
  var fastPoll = options.fastPollMs || 3000;
  var safetyPoll = options.safetyPollMs || 15000;
  var pollTimer = null;
  var source = null;
  var failures = 0;

  function startPolling(interval) {
    if (pollTimer) clearInterval(pollTimer);
    pollTimer = setInterval(function () { onChange(null); }, interval);
  }

  if (!window.EventSource || !streamUrl) {
    startPolling(fastPoll);
    return;
  }
  try {
    source = new EventSource(streamUrl, { withCredentials: true });
  } catch (e) {
    startPolling(fastPoll);
    return;
  }
  source.onopen = function () {
    failures = 0;
    startPolling(safetyPoll);
    onChange(null); // anything that happened before we connected
  };
  source.onmessage = function (message) {
    var data = null;
    try { data = JSON.parse(message.data); } catch (e) { data = null; }
    onChange(data);
  };
  source.onerror = function () {
    failures += 1;
    // The browser reconnects by itself (resuming from the last id); after repeated failures
    // or a permanent close, fall back to polling.
    if (source.readyState === 2 || failures >= 3) {
      source.close();
      startPolling(fastPoll);
    }
  };
};

window.mmClock = function (seconds) {
  "use strict";
  seconds = Math.max(0, Math.floor(seconds));
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  return pad(Math.floor(seconds / 3600)) + ":" + pad(Math.floor(seconds % 3600 / 60)) + ":" + pad(seconds % 60);
};
