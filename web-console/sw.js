// Service worker of the console (a template: the build fills in the build id and the asset list, see vite.config.ts).
// The app shell and every screen's code are precached, so a handheld that reloads in a Wi-Fi dead spot
// still opens on its current task. API calls are never cached here: the app keeps its own offline queue.
const BUILD = '__BUILD__';
const ASSETS = __ASSETS__;
const CACHE = `dockside-console-${BUILD}`;
const SCOPE = new URL('./', self.location).pathname;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((c) => c.addAll([SCOPE, ...ASSETS.map((a) => SCOPE + a)]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('dockside-console-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith(SCOPE)) return;
  if (req.mode === 'navigate') {
    // Network first for the page (a new build shows at once), the cached shell when there is no network.
    event.respondWith(fetch(req).catch(() => caches.match(SCOPE, { cacheName: CACHE })));
    return;
  }
  // Hashed assets never change: cache first.
  event.respondWith(
    caches.match(req, { cacheName: CACHE }).then(
      (hit) =>
        hit ||
        fetch(req).then((res) => {
          if (res.ok) {
            const copy = res.clone();
            void caches.open(CACHE).then((c) => c.put(req, copy));
          }
          return res;
        }),
    ),
  );
});
