// The loader of every app's WASM (decision 0018, "when the app starts"). Trunk puts it in
// each page's `<script type=module>` (Trunk.toml: `pattern_script`), after `js` and `wasm`,
// the app's two files; `scripts/minify-js.mjs` minifies it there.
//
// A page the server rendered (it has a `<main>`, the sign `takeover.rs` reads too) is
// already readable and usable: its first paint must not wait for, or share the network
// with, the app. So the app is fetched once that paint is on screen and counted (the
// browser's first `largest-contentful-paint` entry; where there is none, the frame after
// the first), and its takeover then redraws the same content, which the browser does not
// count again. Any other page has nothing to show until the app runs: it starts at once,
// its two files fetched side by side.
//
// Once the app runs, `app-started` is sent: the page registers its service worker then
// (index.html, records.html), so that the worker's first fill of its cache finds the
// app's files in the browser's cache instead of downloading them a second time.
// If the app cannot be had (a flaky network), the page stays as the server sent it.
// (Trunk fills this file in by name, so it must never hold a word in braces like the
// names of the page's pattern parameters.)
const start = () => {
  const module = fetch(wasm);
  module.catch(() => {});
  import(js)
    .then((app) => app.default({ module_or_path: module }))
    .then(() => dispatchEvent(new Event("app-started")))
    .catch((error) => console.error("the app could not start", error));
};
if (!document.body.querySelector("main") || document.visibilityState === "hidden") {
  start();
} else {
  let once = () => {
    once = () => {};
    start();
  };
  const watches = PerformanceObserver.supportedEntryTypes?.includes("largest-contentful-paint");
  if (watches) {
    new PerformanceObserver((_, observer) => {
      observer.disconnect();
      once();
    }).observe({ type: "largest-contentful-paint", buffered: true });
  } else {
    requestAnimationFrame(() => setTimeout(() => once()));
  }
  // A page hidden before its first paint reports none: it is not kept waiting for one.
  addEventListener("visibilitychange", () => once(), { once: true });
  setTimeout(() => once(), 3000);
}
