#!/usr/bin/env node
/**
 * Entry point of the `s3func` executable.
 *
 * @module
 */
import { processIo } from './io.js';
import { main } from './main.js';

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`s3func: ${String(error)}\n`);
    process.exitCode = 70;
  },
);
