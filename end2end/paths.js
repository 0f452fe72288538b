// Where the journeys find the release server and keep its data: under the repository's
// `target/`, or under CARGO_TARGET_DIR when cargo builds elsewhere (as the Makefile does).
// Read by playwright.config.js (to start the server) and tests/support.js (to run its CLI).
const path = require("path");

const ROOT = path.join(__dirname, "..");
const TARGET = path.resolve(ROOT, process.env.CARGO_TARGET_DIR || "target");

module.exports = {
  ROOT,
  /** The release build of the server. */
  SERVER: path.join(TARGET, "release", "nafitha-server"),
  /** The server's data directory during the journeys, new for every run. */
  DATA: path.join(TARGET, "e2e-data"),
};
