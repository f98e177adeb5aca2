/**
 * vitest globalSetup of the `sim` project: a directory where each test file leaves its case count
 * and virtual time, summed and printed once every file has run.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    simStatsDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 's3func-sim-'));
  project.provide('simStatsDir', dir);
  return async () => {
    let cases = 0;
    let virtualMs = 0;
    let wallMs = 0;
    const lines: string[] = [];
    for (const file of (await readdir(dir)).sort()) {
      const stats = JSON.parse(await readFile(join(dir, file), 'utf8')) as {
        name: string;
        cases: number;
        virtualMs: number;
        wallMs: number;
      };
      cases += stats.cases;
      virtualMs += stats.virtualMs;
      wallMs += stats.wallMs;
      lines.push(
        `  ${stats.name}: ${stats.cases} cases, ${formatVirtual(stats.virtualMs)} virtual, ${(stats.wallMs / 1000).toFixed(1)} s`,
      );
    }
    await rm(dir, { recursive: true, force: true });
    if (lines.length === 0) return;
    process.stdout.write(
      `\n[sim] ${cases} cases, ${formatVirtual(virtualMs)} of virtual time, ${(wallMs / 1000).toFixed(1)} s of test time\n${lines.join('\n')}\n`,
    );
  };
}

function formatVirtual(ms: number): string {
  const hours = ms / 3_600_000;
  return hours >= 1 ? `${hours.toFixed(1)} h` : `${(ms / 1000).toFixed(0)} s`;
}
