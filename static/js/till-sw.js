/* The till's service worker, served at /admin/pos/sw.js: its scope is the till and nothing else.
 *
 * It keeps the till page, its catalogue and its assets so that the till opens with no network
 * (at a fair with no signal). Pages and JSON: the network first, the kept copy when offline.
 * Fingerprinted assets (static/dist/) never change: the kept copy first. POSTs (the sales) are
 * never touched here: the page queues them itself and sends them when the network is back.
 */
"use strict";

var CACHE = "etalase-till-v1";

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("etalase-till-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// The page names what it needs (itself, its catalogue, its assets): keep each one.
self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.keep) || [];
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(urls.map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (keepable(response)) return cache.put(url, response);
        }).catch(function () {});
      }));
    })
  );
});

function keepable(response) {
  // Never keep a redirect to the login page, an error or another site's answer.
  return response && response.ok && !response.redirected && response.type === "basic";
}

function tillRequest(url) {
  return url.origin === self.location.origin &&
    (url.pathname.indexOf("/admin/pos/") === 0 || url.pathname.indexOf("/static/") === 0);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || !tillRequest(url)) return;
  if (url.pathname.indexOf("/static/dist/") === 0) {
    event.respondWith(caches.match(request).then(function (kept) {
      return kept || fetch(request).then(function (response) {
        if (keepable(response)) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    }));
    return;
  }
  event.respondWith(
    fetch(request).then(function (response) {
      if (keepable(response)) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.pathname + url.search, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(url.pathname + url.search).then(function (kept) {
        return kept || caches.match(request);
      }).then(function (kept) {
        return kept || Response.error();
      });
    })
  );
});
