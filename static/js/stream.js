// What every page with a live part shares (the waiting room, the session, the mechanic's
// offers): one live channel, and requests that never pile up. The pages re-fetch
// server-rendered HTML on every change, so the server stays the one source of truth.
(function () {
  "use strict";
  if (window.mmStream) return; // loaded by the base template and by a page: once is enough

  // Wraps `task` (a function returning a promise) so that it runs one at a time: a call
  // while it runs asks for exactly one more run afterwards, so a burst of events costs at
  // most two requests and the last one always sees the latest state.
  window.mmCoalesce = function (task) {
    var running = false;
    var again = false;
    function run() {
      if (running) { again = true; return; }
      running = true;
      var done;
      try { done = Promise.resolve(task()); } catch (e) { done = Promise.resolve(); }
      done
        .catch(function () { /* the next event or poll tries again */ })
        .then(function () {
          running = false;
          if (again) { again = false; run(); }
        });
    }
    return run;
  };

  function withParam(url, name, value) {
    return url + (url.indexOf("?") < 0 ? "?" : "&") + name + "=" + encodeURIComponent(value);
  }

  // Server-sent events when the browser and network allow, otherwise polling. `onChange`
  // hears "something changed": the event's data when the stream delivers one, else null.
  // options:
  //   lastEventId   where the page's HTML stands. The stream resumes after it, and a poll
  //                 endpoint (pollUrl) is asked for events after the last id seen. Without
  //                 it the stream starts from now, so every connection calls onChange once
  //                 to catch up, and polling calls onChange on every round.
  //   pollUrl       the events poll endpoint for the same channel (used with lastEventId).
  //   fastPollMs    the polling interval once the stream is given up (3000).
  //   safetyPollMs  while the stream is open, poll this often anyway (15000; 0 for never).
  //   onState       told "live" when the stream opens and "polling" when polling takes over.
  window.mmStream = function (streamUrl, onChange, options) {
    options = options || {};
    var fastPoll = options.fastPollMs || 3000;
    var safetyPoll = options.safetyPollMs === undefined ? 15000 : options.safetyPollMs;
    var resumable = options.lastEventId !== undefined && options.lastEventId !== null;
    var pollUrl = resumable ? options.pollUrl : null;
    var lastId = resumable ? parseInt(options.lastEventId, 10) || 0 : 0;
    var onState = options.onState || function () {};
    var pollTimer = null;
    var pollRound = 0; // a newer startPolling retires the older loop, even mid-fetch
    var source = null;
    var failures = 0;

    function pollOnce() {
      if (!pollUrl) { onChange(null); return Promise.resolve(); }
      return fetch(withParam(pollUrl, "after", lastId), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (data) {
          if (data.events && data.events.length) { lastId = data.lastId; onChange(null); }
        })
        .catch(function () {});
    }

    function startPolling(interval) {
      var round = ++pollRound;
      clearTimeout(pollTimer);
      if (!interval) return;
      function loop() {
        pollOnce().then(function () { if (round === pollRound) pollTimer = setTimeout(loop, interval); });
      }
      // Asking the poll endpoint is cheap, so it is asked at once; re-fetching a page's HTML
      // that was just rendered is not.
      pollTimer = setTimeout(loop, pollUrl ? 0 : interval);
    }

    function fallBack() {
      onState("polling");
      startPolling(fastPoll);
    }

    if (!window.EventSource || !streamUrl) { fallBack(); return; }
    try {
      source = new EventSource(resumable ? withParam(streamUrl, "lastEventId", lastId) : streamUrl,
                               { withCredentials: true });
    } catch (e) {
      fallBack();
      return;
    }
    source.onopen = function () {
      failures = 0;
      onState("live");
      startPolling(safetyPoll);
      if (!resumable) onChange(null); // anything that happened before we connected
    };
    source.onmessage = function (message) {
      var id = parseInt(message.lastEventId || "0", 10);
      if (id) lastId = Math.max(lastId, id);
      var data = null;
      try { data = JSON.parse(message.data); } catch (e) { data = null; }
      onChange(data);
    };
    source.onerror = function () {
      failures += 1;
      // The server closes streams every minute on purpose and the browser reconnects by
      // itself (resuming from the last id); a permanent close or repeated failures mean
      // trouble, and polling takes over.
      if (source.readyState === 2 || failures >= 3) {
        source.close();
        fallBack();
      }
    };
  };

  window.mmClock = function (seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    return pad(Math.floor(seconds / 3600)) + ":" + pad(Math.floor(seconds % 3600 / 60)) + ":" + pad(seconds % 60);
  };
})();
