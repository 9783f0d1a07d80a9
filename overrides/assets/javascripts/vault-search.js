/*
 * mkdocs-vault: Material's search, started when the reader reaches for it rather than on every page load.
 *
 * Material's bundle starts its search worker (39 KB) and downloads the whole search index as each page
 * opens; the index grows with the vault (75 KB for the sample, 1.2 MB at 1,000 notes), so on a first
 * visit it outweighed the page itself. This script runs before the bundle and holds both back: the
 * worker Material constructs is a stand-in that makes the real one later, and the index request is
 * sent later. "Later" is the first sign that search is wanted: the pointer over the search box, the
 * box focused (click, or Material's `/` and `s` keys), the phone's search button, or a page opened from
 * a search result (`?h=`, whose words Material highlights with the index's settings). Material sends
 * the query to its worker once the worker reports ready, so what is typed meanwhile is not lost.
 *
 * Everything else goes to the browser's own Worker and XMLHttpRequest untouched.
 *
 * Loaded before the bundle, as an ordinary (blocking) script: it must be in place when the bundle runs.
 */
(function () {
  var wanted = /[?&]h=/.test(location.search), held = [];
  var RealWorker = window.Worker, xhr = XMLHttpRequest.prototype, open = xhr.open, send = xhr.send;
  function want() {
    if (wanted) return;
    wanted = true;
    held.splice(0).forEach(function (go) { go(); });
  }
  function later(go) { if (wanted) go(); else held.push(go); }
  xhr.open = function (method, url) {
    this.vaultIndex = /\/search\/search_index\.json(\?|$)/.test(String(url));
    return open.apply(this, arguments);
  };
  xhr.send = function () {
    var request = this, args = arguments;
    if (!request.vaultIndex) return send.apply(request, args);
    later(function () { send.apply(request, args); });
  };
  function HeldWorker(url, options) {
    var self = this, listeners = [], messages = [];
    // Resolved now, as the browser would: by the time the worker starts, instant navigation may have
    // moved the page's address, and a relative script URL would then miss.
    url = new URL(String(url), document.baseURI).href;
    this.addEventListener = function (type, fn, opts) {
      if (self.real) self.real.addEventListener(type, fn, opts); else listeners.push([type, fn, opts]);
    };
    this.removeEventListener = function (type, fn, opts) {
      if (self.real) self.real.removeEventListener(type, fn, opts);
      listeners = listeners.filter(function (l) { return l[0] !== type || l[1] !== fn; });
    };
    this.postMessage = function (message) {
      if (self.real) self.real.postMessage(message); else messages.push(message);
    };
    this.terminate = function () { self.ended = true; if (self.real) self.real.terminate(); };
    later(function () {
      if (self.ended) return;
      self.real = new RealWorker(url, options);
      listeners.forEach(function (l) { self.real.addEventListener(l[0], l[1], l[2]); });
      messages.forEach(function (m) { self.real.postMessage(m); });
    });
  }
  if (RealWorker) {
    window.Worker = function (url, options) {
      if (/\/workers\/search\.[^/]*\.js(\?|$)/.test(String(url))) return new HeldWorker(url, options);
      return new RealWorker(url, options);
    };
    window.Worker.prototype = RealWorker.prototype;
  }
  function watch() {
    var box = document.querySelector(".md-search");
    if (box) {
      ["pointerover", "focusin", "touchstart"].forEach(function (type) {
        box.addEventListener(type, want, { once: true, passive: true });
      });
    }
    var toggle = document.getElementById("__search");
    if (toggle) toggle.addEventListener("change", want, { once: true });
    document.querySelectorAll('label[for="__search"]').forEach(function (label) {
      label.addEventListener("pointerdown", want, { once: true, passive: true });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();
