// The session's 1:1 video call, browser-native WebRTC. Signalling goes through our own
// channels: each message is POSTed to /api/consultations/<id>/signals and arrives on the
// other party's private event stream, which session.js hands over as "mm:rtc-signal".
//
// Roles keep negotiation simple: the customer always makes the offers, the mechanic always
// answers, so two offers never cross. Each join of a page has a random id ("peer"); a hello
// from a new peer means the other side (re)joined, and the call is set up afresh.
//   customer joins -> hello;  mechanic joins -> hello;  the mechanic answers any hello with
//   a hello;  a customer who hears a hello from a new peer sends an offer.
// A failed or dropped connection, or the network coming back, restarts ICE (the customer
// sends a new offer with iceRestart; the mechanic asks for one with "restart").
(function () {
  "use strict";
  var root = document.getElementById("video");
  var session = document.getElementById("session");
  if (!root || !session || !window.RTCPeerConnection) {
    if (root) { root.querySelector("#video-join").hidden = true; say("unsupported"); }
    return;
  }
  var consultationId = session.getAttribute("data-consultation");
  var signalUrl = root.getAttribute("data-signal-url");
  var photoUrl = root.getAttribute("data-photo-url");
  var isCustomer = root.getAttribute("data-role") === "customer";
  var iceServers = [];
  try { iceServers = JSON.parse(document.getElementById("ice-servers").textContent || "[]"); } catch (e) { iceServers = []; }
  var csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = csrfInput ? csrfInput.value : "";

  var remoteVideo = document.getElementById("remote-video");
  var localVideo = document.getElementById("local-video");
  var buttons = {
    join: document.getElementById("video-join"),
    mic: document.getElementById("video-mic"),
    camera: document.getElementById("video-camera"),
    flip: document.getElementById("video-flip"),
    snapshot: document.getElementById("video-snapshot"),
    hangup: document.getElementById("video-hangup")
  };

  var pc = null;
  var local = null;          // our MediaStream (null: receive only)
  var joined = false;
  var myPeer = "";
  var remotePeer = "";
  var pendingCandidates = [];
  var facing = "user";
  var restartTimer = null;
  var outbox = Promise.resolve();  // signals leave in order
  var inbox = Promise.resolve();   // and are handled in order
  var joinAt = 0;

  // For tests and support: the live objects (no data attributes, nothing in the DOM).
  var api = window.mechmatchVideo = {
    get pc() { return pc; },
    get localStream() { return local; },
    get joined() { return joined; },
    joinToFirstFrameMs: null
  };

  function say(key) {
    var status = document.getElementById("video-status");
    var holder = document.getElementById("video-text");
    var text = holder && holder.content.querySelector("[data-key='" + key + "']");
    if (status && text) { status.textContent = text.textContent; status.setAttribute("data-state", key); }
  }

  function randomId() {
    var bytes = new Uint8Array(8);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  function send(kind, extra) {
    var body = { kind: kind, peer: myPeer };
    Object.keys(extra || {}).forEach(function (k) { body[k] = extra[k]; });
    outbox = outbox.then(function () {
      return fetch(signalUrl, {
        method: "POST", credentials: "same-origin", keepalive: kind === "bye",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(body)
      }).catch(function () { /* the next hello or restart recovers */ });
    });
    return outbox;
  }

  function showControls(inCall) {
    buttons.join.hidden = inCall;
    buttons.hangup.hidden = !inCall;
    buttons.snapshot.hidden = !inCall;
    var audio = local && local.getAudioTracks()[0];
    var video = local && local.getVideoTracks()[0];
    buttons.mic.hidden = !(inCall && audio);
    buttons.camera.hidden = !(inCall && video);
    buttons.flip.hidden = true;
    if (inCall && video && navigator.mediaDevices.enumerateDevices) {
      navigator.mediaDevices.enumerateDevices().then(function (devices) {
        var cameras = devices.filter(function (d) { return d.kind === "videoinput"; });
        buttons.flip.hidden = !(joined && cameras.length > 1);
      }).catch(function () {});
    }
  }

  function toggleLabel(button, off) {
    button.setAttribute("aria-pressed", off ? "true" : "false");
    button.textContent = button.getAttribute(off ? "data-label-off" : "data-label-on");
  }

  // ------------------------------------------------------------------ media

  function getMedia() {
    var md = navigator.mediaDevices;
    if (!md || !md.getUserMedia) return Promise.reject({ name: "NotFoundError" });
    var video = { facingMode: facing, width: { ideal: 1280 }, height: { ideal: 720 } };
    return md.getUserMedia({ audio: true, video: video }).catch(function (error) {
      if (error && error.name === "NotAllowedError") throw error;
      // One of the two is missing: take whichever works.
      return md.getUserMedia({ audio: true }).catch(function () { return md.getUserMedia({ video: video }); })
        .catch(function () { throw error; });
    });
  }

  // ------------------------------------------------------------------ the connection

  function closePc() {
    clearTimeout(restartTimer);
    if (pc) {
      pc.ontrack = pc.onicecandidate = pc.onconnectionstatechange = null;
      pc.close();
    }
    pc = null;
    remotePeer = "";
    pendingCandidates = [];
    remoteVideo.srcObject = null;
    root.classList.remove("connected");
  }

  function makePc() {
    var connection = new RTCPeerConnection({ iceServers: iceServers });
    if (local) {
      local.getTracks().forEach(function (track) { connection.addTrack(track, local); });
    }
    if (!local || !local.getAudioTracks().length) connection.addTransceiver("audio", { direction: "recvonly" });
    if (!local || !local.getVideoTracks().length) connection.addTransceiver("video", { direction: "recvonly" });
    connection.onicecandidate = function (event) {
      if (event.candidate && event.candidate.candidate) {
        send("candidate", {
          candidate: event.candidate.candidate,
          sdpMid: event.candidate.sdpMid,
          sdpMLineIndex: event.candidate.sdpMLineIndex
        });
      }
    };
    connection.ontrack = function (event) {
      var stream = event.streams && event.streams[0];
      if (!stream) {
        stream = remoteVideo.srcObject || new MediaStream();
        stream.addTrack(event.track);
      }
      if (remoteVideo.srcObject !== stream) remoteVideo.srcObject = stream;
      if (remoteVideo.requestVideoFrameCallback) remoteVideo.requestVideoFrameCallback(firstFrame);
      var playing = remoteVideo.play();
      if (playing && playing.catch) playing.catch(function () {});
    };
    connection.onconnectionstatechange = function () {
      if (connection !== pc) return;
      var state = connection.connectionState;
      if (state === "connected") {
        clearTimeout(restartTimer);
        root.classList.add("connected");
        say("connected");
      } else if (state === "failed") {
        say("reconnecting");
        restartIce();
      } else if (state === "disconnected") {
        say("reconnecting");
        clearTimeout(restartTimer);
        restartTimer = setTimeout(function () {
          if (pc === connection && connection.connectionState !== "connected") restartIce();
        }, 3000);
      }
    };
    return connection;
  }

  function offer(options) {
    var connection = pc;
    return connection.createOffer(options || {})
      .then(function (description) { return connection.setLocalDescription(description); })
      .then(function () { return send("offer", { sdp: connection.localDescription.sdp }); });
  }

  function restartIce() {
    if (!joined || !pc) return;
    if (!isCustomer) { send("restart"); return; }
    if (pc.signalingState !== "stable") return; // an offer is already on its way
    if (pc.restartIce) pc.restartIce();
    offer({ iceRestart: true }).catch(function () {});
  }

  function flushCandidates() {
    var queued = pendingCandidates;
    pendingCandidates = [];
    return Promise.all(queued.map(function (c) { return pc.addIceCandidate(c).catch(function () {}); }));
  }

  function handle(message) {
    if (!joined || !message || !message.peer) return Promise.resolve();
    var kind = message.kind;
    if (kind === "hello") {
      if (isCustomer) {
        if (pc && message.peer === remotePeer) return Promise.resolve(); // the same join, said twice
        closePc();
        remotePeer = message.peer;
        pc = makePc();
        say("connecting");
        return offer();
      }
      if (message.peer !== remotePeer) closePc(); // the customer re-joined: expect a new offer
      return send("hello");
    }
    if (kind === "offer" && !isCustomer) {
      if (!pc || message.peer !== remotePeer) {
        closePc();
        remotePeer = message.peer;
        pc = makePc();
        say("connecting");
      }
      var connection = pc;
      return connection.setRemoteDescription({ type: "offer", sdp: message.sdp })
        .then(flushCandidates)
        .then(function () { return connection.createAnswer(); })
        .then(function (answer) { return connection.setLocalDescription(answer); })
        .then(function () { return send("answer", { sdp: connection.localDescription.sdp }); });
    }
    if (message.peer !== remotePeer || !pc) return Promise.resolve(); // an old join's leftovers
    if (kind === "answer" && isCustomer && pc.signalingState === "have-local-offer") {
      return pc.setRemoteDescription({ type: "answer", sdp: message.sdp }).then(flushCandidates);
    }
    if (kind === "candidate") {
      var candidate = { candidate: message.candidate, sdpMid: message.sdpMid, sdpMLineIndex: message.sdpMLineIndex };
      if (!pc.remoteDescription) { pendingCandidates.push(candidate); return Promise.resolve(); }
      return pc.addIceCandidate(candidate).catch(function () {});
    }
    if (kind === "restart" && isCustomer) { restartIce(); return Promise.resolve(); }
    if (kind === "bye") {
      leave(false);
      say("peer-left");
    }
    return Promise.resolve();
  }

  document.addEventListener("mm:rtc-signal", function (event) {
    var message = event.detail;
    if (!message || String(message.consultationId) !== consultationId) return;
    inbox = inbox.then(function () { return handle(message); }).catch(function () {});
  });

  // ------------------------------------------------------------------ the buttons

  function join() {
    buttons.join.disabled = true;
    joinAt = performance.now();
    api.joinToFirstFrameMs = null;
    say("starting");
    return getMedia()
      .then(function (stream) { local = stream; }, function (error) {
        local = null;
        say(error && error.name === "NotAllowedError" ? "denied" : "missing");
      })
      .then(function () {
        localVideo.srcObject = local;
        localVideo.hidden = !local;
        joined = true;
        myPeer = randomId();
        showControls(true);
        if (local) say("waiting");
        send("hello");
      })
      .then(function () { buttons.join.disabled = false; });
  }

  function leave(tell) {
    if (tell && joined) send("bye");
    joined = false;
    closePc();
    if (local) local.getTracks().forEach(function (t) { t.stop(); });
    local = null;
    localVideo.srcObject = null;
    showControls(false);
    toggleLabel(buttons.mic, false);
    toggleLabel(buttons.camera, false);
    say("left");
  }

  function firstFrame() {
    if (api.joinToFirstFrameMs === null && joinAt) {
      api.joinToFirstFrameMs = Math.round(performance.now() - joinAt);
    }
  }
  remoteVideo.addEventListener("loadeddata", firstFrame);

  buttons.join.addEventListener("click", join);
  buttons.hangup.addEventListener("click", function () { leave(true); });
  buttons.mic.addEventListener("click", function () {
    var track = local && local.getAudioTracks()[0];
    if (!track) return;
    track.enabled = !track.enabled;
    toggleLabel(buttons.mic, !track.enabled);
  });
  buttons.camera.addEventListener("click", function () {
    var track = local && local.getVideoTracks()[0];
    if (!track) return;
    track.enabled = !track.enabled;
    toggleLabel(buttons.camera, !track.enabled);
  });
  buttons.flip.addEventListener("click", function () {
    var old = local && local.getVideoTracks()[0];
    if (!old) return;
    var next = facing === "user" ? "environment" : "user";
    navigator.mediaDevices.getUserMedia({ video: { facingMode: { exact: next } } })
      .catch(function () { return navigator.mediaDevices.getUserMedia({ video: { facingMode: next } }); })
      .then(function (stream) {
        var track = stream.getVideoTracks()[0];
        track.enabled = old.enabled;
        var sender = pc && pc.getSenders().filter(function (s) { return s.track === old; })[0];
        return (sender ? sender.replaceTrack(track) : Promise.resolve()).then(function () {
          local.removeTrack(old);
          old.stop();
          local.addTrack(track);
          localVideo.srcObject = local;
          facing = next;
          root.setAttribute("data-facing", next);
        });
      })
      .catch(function () { say("flip-failed"); });
  });
  buttons.snapshot.addEventListener("click", function () {
    // What the other side shows (the engine bay), else our own camera.
    var source = remoteVideo.videoWidth ? remoteVideo : localVideo;
    if (!source.videoWidth) return;
    var canvas = document.createElement("canvas");
    canvas.width = source.videoWidth;
    canvas.height = source.videoHeight;
    canvas.getContext("2d").drawImage(source, 0, 0);
    buttons.snapshot.disabled = true;
    canvas.toBlob(function (blob) {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", csrf);
      data.append("photo", blob, "snapshot.jpg");
      fetch(photoUrl, { method: "POST", credentials: "same-origin", body: data, headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { say(response.ok ? "snapshot-sent" : "snapshot-failed"); })
        .catch(function () { say("snapshot-failed"); })
        .then(function () { buttons.snapshot.disabled = false; });
    }, "image/jpeg", 0.9);
  });

  window.addEventListener("online", function () { restartIce(); });
  window.addEventListener("pagehide", function () { if (joined) leave(true); });
})();
