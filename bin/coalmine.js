#!/usr/bin/env node
// The `coalmine` command: runs the compiled CLI (built by `npm install` through the prepare script).
"use strict";
require("../dist/cli/main.js")
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exitCode = 3;
  });
