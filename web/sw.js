// Duban's service worker: after one visit the app shell (index.html, the style sheet,
// the JS glue and the wasm) opens without network. Template: `cargo xtask build-web`
// fills the double-brace placeholders and writes dist/sw.js.
//
// The API is never cached here: what the server holds must come from the server, and
// offline writes go to the app's outbox instead (web/src/offline.rs).
const CACHE = "duban-shell-{{VERSION}}";
const SHELL = [{{ASSETS}}];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("duban-shell-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/open311/") || url.pathname === "/healthz" || url.pathname === "/readyz") return;
  if (req.mode === "navigate") {
    // Every page of the app is index.html: fresh from the server when it answers, the
    // cached shell when it does not (no connection, or a gateway answering 502-504 for
    // a server that is down).
    event.respondWith(
      fetch(req)
        .then((r) => (r.status >= 502 && r.status <= 504 ? caches.match("/index.html").then((hit) => hit || r) : r))
        .catch(() => caches.match("/index.html")),
    );
    return;
  }
  // Assets carry a content hash (?v=…): the cached copy is the right one.
  event.respondWith(caches.match(req).then((hit) => hit || fetch(req)));
});
