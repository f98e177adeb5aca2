// Runs one measurement in a fresh Node process: the child gets its input as a JSON argument and
// prints its result as JSON on the last line of stdout.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CHILDREN_DIR = join(BENCH_DIR, 'children');

// The AWS SDK warns on every start that its 2027 releases need Node 22; that is not a result.
const NOISE =
  /NodeVersionSupportWarning|versions published after|will require node|You are running node|To continue receiving|security updates please|More information can be found|node --trace-warnings|^\s*$/;

/**
 * Runs `bench/children/<script>` with `input`, resolves to its parsed result. Rejects with the
 * child's stderr when it fails or prints no result. `nodeArgs` go before the script (e.g. --cpu-prof).
 */
export function runChild(script, input, { nodeArgs = [], env = process.env, timeoutMs = 600_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, join(CHILDREN_DIR, script), JSON.stringify(input)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      err += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = err
        .split('\n')
        .filter((line) => !NOISE.test(line))
        .join('\n');
      const last = out.trim().split('\n').at(-1);
      if (code !== 0 || !last) {
        reject(new Error(`${script} ${JSON.stringify(input)} exited with ${signal ?? code}:\n${stderr}`));
        return;
      }
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${script} printed no JSON result:\n${out}\n${stderr}`));
      }
    });
  });
}

/** Runs `fn(i)` for i = 0..n-1 one after another, collecting the results. */
export async function repeat(n, fn) {
  const results = [];
  for (let i = 0; i < n; i++) results.push(await fn(i));
  return results;
}
