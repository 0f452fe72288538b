// Nafitha's service worker (issue 16): the app opens on a flaky or absent connection.
//
// - Files whose names carry Trunk's content hash never change: served from the cache
//   first, fetched (and kept) when missing.
// - Pages (navigations) come from the network first; the answer is kept, by address, so
//   a page seen online opens offline; an address never seen shows the offline page.
// - Never the API (`/api/`), never anything but GET, never the staff's apps (`/staff`):
//   answers that carry a person's data or change something are not kept here. A kept
//   public page holds the public answers it was rendered with (decision 0018); it is
//   served from here without them, so the app never takes them as fresh.
// - A new version of this file takes over at once (skipWaiting, clients.claim); pages
//   already open keep what they loaded, and the next navigation uses it. The server
//   sends this file with `Cache-Control: no-cache`, so browsers check it each time.

const ASSETS = "nafitha-assets-v1";
const PAGES = "nafitha-pages-v1";
const OFFLINE = "/offline.html";
// How many files and pages are kept (the oldest go first).
const MAX_ASSETS = 40;
const MAX_PAGES = 20;

// `/name-0123456789abcdef.js`, `…_bg.wasm`, `…css`: Trunk's hashed names (as
// `assets::is_hashed_asset` on the server reads them).
const HASHED = /\/[\w.\/-]*-[0-9a-f]{16,}(?:_bg)?\.(?:js|wasm|css)/g;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const pages = await caches.open(PAGES);
      const assets = await caches.open(ASSETS);
      await pages.add(OFFLINE);
      // The citizens' page, and the files it names, so the app opens offline after one
      // visit (this visit loaded them before the worker could keep them).
      const shell = await fetch("/", { cache: "no-cache" });
      if (shell.ok) {
        const html = await shell.clone().text();
        await pages.put("/", shell);
        const named = [...new Set(html.match(HASHED) || [])];
        await assets.addAll(named);
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const kept = new Set([ASSETS, PAGES]);
      for (const name of await caches.keys()) {
        if (!kept.has(name)) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname === "/staff" || url.pathname.startsWith("/staff/")) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (url.pathname.match(HASHED)?.[0] === url.pathname) {
    event.respondWith(asset(request));
  }
});

// Network first; the answer kept by address; offline, the kept one, else the offline page.
async function page(request) {
  const pages = await caches.open(PAGES);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await pages.put(request.url, response.clone());
      await trim(pages, MAX_PAGES, [new URL(OFFLINE, self.location.origin).href]);
    }
    return response;
  } catch (error) {
    const kept = await pages.match(request.url);
    if (kept) return withoutAnswers(kept);
    return (await pages.match(OFFLINE)) || Response.error();
  }
}

// A kept page without the API's answers the server wrote in it (the data blocks
// `crates/server/src/pages.rs` writes and `src/takeover.rs` reads; decision 0018): they may
// be old, and the app, finding none, loads its own and falls back to those the device
// kept, with their time (decision 0019), even when the device seems online (the request
// failed all the same: the server out of reach, the connection dropped).
async function withoutAnswers(kept) {
  const html = (await kept.text()).replace(/<script[^>]*\bdata-preload\b[\s\S]*?<\/script>/g, "");
  const headers = new Headers(kept.headers);
  headers.delete("content-encoding");
  headers.delete("content-length");
  return new Response(html, { status: kept.status, statusText: kept.statusText, headers });
}

// Cache first: a hashed file is the same bytes for ever.
async function asset(request) {
  const assets = await caches.open(ASSETS);
  const kept = await assets.match(request.url);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) {
    await assets.put(request.url, response.clone());
    await trim(assets, MAX_ASSETS, []);
  }
  return response;
}

// Deletes the oldest entries of `cache` beyond `max`, never those in `keep`.
async function trim(cache, max, keep) {
  const keys = (await cache.keys()).filter((key) => !keep.includes(key.url));
  for (const key of keys.slice(0, Math.max(0, keys.length - max))) {
    await cache.delete(key);
  }
}
