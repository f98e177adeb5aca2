/**
 * `s3func probe`: qualify a store, as a report or JSON.
 *
 * @module
 */
import { type ProbeReport, probeStore } from '../probe/probe.js';
import { credentialsOf, describeCredentials } from './credentials.js';
import { type CliIo, line } from './io.js';
import type { CliSession } from './store-url.js';

/** Probes the store; on S3, also says which credentials it used (never the secret). */
export async function probe(session: CliSession, json: boolean, io: CliIo): Promise<number> {
  const credentials = await credentialsOf(session);
  const report = await probeStore(session);
  if (json) line(io.stdout, JSON.stringify(credentials ? { credentials, ...report } : report, null, 2));
  else {
    if (credentials) line(io.stdout, `credentials              ${describeCredentials(credentials)}`);
    for (const l of formatReport(report)) line(io.stdout, l);
  }
  return 0;
}

/** The report for people. */
export function formatReport(r: ProbeReport): string[] {
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const inm = r.ifNoneMatch;
  return [
    `list-after-write lag     max ${r.listAfterWriteLagMs.max} ms, median ${r.listAfterWriteLagMs.median} ms (${r.listAfterWriteLagMs.samples} writes)`,
    `timestamp granularity    ${r.timestampGranularityMs === 1 ? '1 ms' : '1 s'}`,
    `versioning               ${yes(r.versioning)}`,
    `If-None-Match: *         ${inm.supported ? `${inm.exactlyOne}/${inm.rounds} races had exactly one winner${inm.multipleWinners ? `, ${inm.multipleWinners} had several` : ''}${inm.inconclusive ? `, ${inm.inconclusive} inconclusive` : ''}: ${inm.atomic ? 'atomic' : 'NOT atomic'}` : 'not supported'}`,
    `If-Match                 ${r.ifMatch.honoured ? 'honoured' : `not honoured (matching ${r.ifMatch.matchingAccepted ? 'accepted' : 'refused'}, wrong ${r.ifMatch.wrongRefused ? 'refused' : 'accepted'})`}`,
    `recommended settle delay ${r.recommendedSettleDelayMs} ms`,
    `conditional strategy     ${r.conditionalStrategy.qualified ? 'qualifies' : `does not qualify: ${r.conditionalStrategy.reason}`}`,
    `probe took               ${r.durationMs} ms`,
  ];
}
