// Cold require() of one module in a fresh process: nothing else is loaded before it.
const [specifier] = JSON.parse(process.argv[2]);
const t0 = process.hrtime.bigint();
require(specifier);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(JSON.stringify({ ms, sinceStartMs: performance.now() }));
