// Minifies the JS that wasm-bindgen wrote into dist/ (Trunk 0.21's own minifier fails on
// it) and rewrites the Subresource Integrity hashes that Trunk put in dist/index.html for
// those files, so the browser still checks what it loads. Run after `trunk build`.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(new URL("../tools/package.json", import.meta.url));
const esbuild = require("esbuild");

const dist = process.argv[2] ?? "dist";
const indexPath = join(dist, "index.html");
let index = readFileSync(indexPath, "utf8");

// Only the files Trunk named with their content hash (not public/sw.js, copied as it is).
for (const name of readdirSync(dist).filter((f) => /-[0-9a-f]{16,}\.js$/.test(f))) {
  const path = join(dist, name);
  const source = readFileSync(path, "utf8");
  const { code } = esbuild.transformSync(source, { minify: true, format: "esm", target: "es2020" });
  writeFileSync(path, code);

  const integrity = "sha384-" + createHash("sha384").update(code).digest("base64");
  // The app's files are linked from the site's root, from /staff/ for the back office,
  // from /staff/desk/ or /staff/licensing/ for the intake and licensing desks, or from
  // /records/ for the records app.
  const link = new RegExp(`(href=/(?:staff/(?:desk/|licensing/)?|records/)?${name.replace(/[.]/g, "[.]")} integrity=)sha384-[A-Za-z0-9+/=]+`);
  if (!link.test(index)) {
    throw new Error(`index.html has no integrity attribute for ${name}`);
  }
  index = index.replace(link, `$1${integrity}`);
  console.log(`minified ${name}: ${source.length} -> ${code.length} bytes`);
}
writeFileSync(indexPath, index);

// The service worker (public/sw.js, copied as it is by Trunk): a classic script, minified
// as one (no integrity attribute names it). It counts in the citizens' app's budget.
const worker = join(dist, "sw.js");
if (existsSync(worker)) {
  const source = readFileSync(worker, "utf8");
  const { code } = esbuild.transformSync(source, { minify: true, target: "es2020" });
  writeFileSync(worker, code);
  console.log(`minified sw.js: ${source.length} -> ${code.length} bytes`);
}
