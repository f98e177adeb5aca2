// Turns a bench report (the JSON in bench/results/) into the Markdown table the README shows, and
// splices it into README.md between <!-- bench:start --> and <!-- bench:end -->.
import { readFile, writeFile } from 'node:fs/promises';
import { PEER_LABELS, PEERS } from './lib/peers.mjs';
import { fmt, fmtSummary } from './lib/stats.mjs';

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

const le = (goal) => ({ goal: `≤ ${goal}`, ok: (r) => r <= goal });
const ge = (goal) => ({ goal: `≥ ${goal}`, ok: (r) => r >= goal });

function verdict(ok) {
  if (ok === undefined) return '';
  return ok ? 'met' : '**missed**';
}

/** A Markdown table with padded columns, as the repository's formatter writes them. */
function table(head, rows) {
  const width = (text) => [...text].length;
  const widths = head.map((h, i) => Math.max(3, width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells) => `| ${cells.map((c, i) => c + ' '.repeat(widths[i] - width(c))).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** One row of the target table: three peers' summaries, s3func ÷ SDK and the verdict. */
function targetRow(label, pick, target, { scale = 1, peers = PEERS } = {}) {
  const values = PEERS.map((p) => (peers.includes(p) ? pick(p) : undefined));
  const ours = values[0]?.median;
  const sdk = values[1]?.median;
  const ratio = ours !== undefined && sdk !== undefined ? ours / sdk : undefined;
  return [
    label,
    ...values.map((v) => (v ? fmtSummary(v, scale) : '–')),
    ratio === undefined ? '–' : `${fmt(ratio)}×`,
    target?.goal ?? '',
    target && ratio !== undefined ? verdict(target.ok(ratio)) : '',
  ];
}

function targetsSection(r) {
  const rows = [];
  const head = ['measure', ...PEERS.map((p) => PEER_LABELS[p]), 's3func ÷ SDK', 'target', ''];
  if (r.import) {
    const i = r.import;
    rows.push(targetRow('cold import, ESM (ms)', (p) => i[p].importEsmMs, le(0.25)));
    rows.push(targetRow('cold import, CJS (ms)', (p) => i[p].importCjsMs, le(0.25)));
    rows.push(targetRow('process start → first PUT done (ms)', (p) => i[p].firstPutMs, le(0.5)));
    const inst = (p) => `${i[p].install.packages} pkgs, ${fmt(i[p].install.bytes / 2 ** 20)} MiB`;
    const ratio = i.s3func.install.bytes / i['aws-sdk'].install.bytes;
    rows.push(['install: dependencies, size on disk', ...PEERS.map(inst), `${fmt(ratio)}×`, '', '']);
  }
  if (r.objects) {
    const o = r.objects;
    for (const [c, label] of [
      ['put-c1', 'PUT 1 KiB, 1 at a time'],
      ['get-c1', 'GET 1 KiB, 1 at a time'],
      ['put-c16', 'PUT 1 KiB, 16 in flight'],
      ['get-c16', 'GET 1 KiB, 16 in flight'],
    ]) {
      rows.push(targetRow(`${label}: client CPU per 1000 ops (ms)`, (p) => o[p][c].cpuUsPerOp, le(0.5)));
      rows.push(targetRow(`${label}: ops/s`, (p) => o[p][c].opsPerSec, ge(1)));
    }
  }
  if (r.sign) {
    rows.push(
      targetRow('SigV4 header signatures/s (SDK: @smithy/signature-v4)', (p) => r.sign[p]?.opsPerSec, ge(2), {
        peers: ['s3func', 'aws-sdk'],
      }),
    );
  }
  if (r.stream) {
    const s = r.stream;
    const size = `${s.sizeBytes / 2 ** 20 >= 1024 ? `${s.sizeBytes / 2 ** 30} GiB` : `${s.sizeBytes / 2 ** 20} MiB`}`;
    for (const [dir, label] of [
      ['up', 'upload'],
      ['down', 'download'],
    ]) {
      const fastest = Math.max(...PEERS.map((p) => s[p][dir].mibPerSec.median));
      const ours = s.s3func[dir].mibPerSec.median / fastest;
      const row = targetRow(`${size} ${label} (MiB/s)`, (p) => s[p][dir].mibPerSec);
      row[4] = `${fmt(ours)}× fastest`;
      row[5] = '≥ 0.9× fastest';
      row[6] = verdict(ours >= 0.9);
      rows.push(row);
      const rss = targetRow(`${size} ${label}: peak RSS (MiB)`, (p) => s[p][dir].peakRssMiB);
      rss[5] = '< 64 MiB';
      rss[6] = verdict(s.s3func[dir].peakRssMiB.median < 64);
      rows.push(rss);
    }
  }
  return table(head, rows);
}

function listSection(l) {
  const head = [
    'objects under the prefix',
    ...PEERS.map((p) => `${PEER_LABELS[p]} (ms)`),
    ...PEERS.map((p) => `${PEER_LABELS[p]} CPU/key (µs)`),
  ];
  const rows = l.counts.map((n) => [
    n.toLocaleString('en-US'),
    ...PEERS.map((p) => fmtSummary(l[p][n].ms)),
    ...PEERS.map((p) => fmt(l[p][n].cpuUsPerKey.median)),
  ]);
  return table(head, rows);
}

const total = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);
const count = (n) => String(Math.round(n * 10) / 10);
/** `8: 4 PUT, 2 list tickets, …` */
const describeCounts = (c) =>
  `${count(total(c))}: ${Object.entries(c)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${count(n)} ${k.replace('LIST:', 'list ')}`)
    .join(', ')}`;
/** Round trips of the seed's protocol (Python s3func 0.9): two ticket PUTs and about three listings. */
const SEED = { requests: { PUT: 2, 'LIST:tickets': 3 }, roundTrips: 5 };

function locksSection(k) {
  const parts = [];
  parts.push(
    `Settle delay ${k.settleDelayMs} ms on Ceph (\`s3func probe\` recommended ${k.probe.recommendedSettleDelayMs} ms: ` +
      `${k.probe.timestampGranularityMs} ms timestamp granularity, list-after-write lag ≤ ${k.probe.listAfterWriteLagMs.max} ms); ` +
      `the default, ${k.defaultSettleDelayMs} ms, is twice AWS's whole-second timestamp granularity. The settle delay and, ` +
      `under contention, the poll interval (default ${k.pollIntervalMs} ms, ±20 %) dominate latency. ` +
      `Requests counted on undici's diagnostics channel.`,
  );
  const u = Object.values(k.uncontended);
  const rows = u.map((x) => [
    `s3func ${x.mode}, settle ${x.settleDelayMs} ms`,
    fmtSummary(x.acquireMs),
    fmtSummary(x.releaseMs),
    describeCounts(x.acquireRequests),
    describeCounts(x.releaseRequests),
    `${k.floorRoundTrips[x.mode]} + settle`,
    fmt((x.acquireMs.median - x.settleDelayMs) / k.floorRoundTrips[x.mode]),
  ]);
  const ours = k.uncontended[`exclusive@${k.settleDelayMs}`];
  if (ours) {
    const rtt = (ours.acquireMs.median - ours.settleDelayMs) / k.floorRoundTrips.exclusive;
    rows.push([
      `seed protocol (Python s3func 0.9), estimated`,
      `≈ ${fmt(k.settleDelayMs + SEED.roundTrips * rtt)}`,
      '–',
      describeCounts(SEED.requests),
      '–',
      `${SEED.roundTrips} + settle`,
      fmt(rtt),
    ]);
  }
  parts.push(
    table(
      [
        'uncontended acquire → release',
        'acquire (ms)',
        'release (ms)',
        'requests to acquire',
        'requests to release',
        'floor (round trips)',
        'ms per round trip',
      ],
      rows,
    ),
  );
  parts.push(
    table(
      [
        'contenders (poll interval)',
        'hand-off (ms)',
        'requests per acquisition',
        'listings per waiter-second',
        'requests per waiter-second',
        'acquisitions',
      ],
      Object.values(k.contended).map((c) => [
        `${c.contenders} (${c.pollIntervalMs} ms)`,
        fmtSummary(c.handoffMs),
        fmt(c.requestsPerAcquisition),
        fmt(c.listingsPerWaiterSecond),
        fmt(c.requestsPerWaiterSecond),
        String(c.acquisitions),
      ]),
    ),
  );
  parts.push(
    `Hand-off: from the holder's \`release()\` call to the next holder's \`acquire()\` resolving; floor: ` +
      'the release (its ticket deletes), the wait for the next poll (half the poll interval on average), ' +
      'the settle delay and 2 round trips (confirming listing, fence PUT).',
  );
  parts.push(
    table(
      ['exclusive tickets waiting behind ours', 'acquire (ms)', 'requests'],
      Object.entries(k.growth).map(([n, g]) => [n, fmtSummary(g.acquireMs), describeCounts(g.requests)]),
    ),
  );
  parts.push(
    'Waiting tickets: written (with leases) after ours; ours is then taken over by id (`lockId`), ' +
      'which adds one listing of our own ticket; each listing then carries 2 objects per waiting ticket.',
  );
  return parts.join('\n\n');
}

/** The Markdown for one report. */
export function renderMarkdown(report) {
  const m = report.machine;
  const r = report.results;
  const out = [];
  out.push(
    `Measured by \`npm run bench\`${report.mode === 'quick' ? ' --quick (small sizes, few runs: not for comparison)' : ''} ` +
      `on ${report.startedAt.slice(0, 10)}: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}; ` +
      `server ${m.server} on the same machine. Peers: ${Object.entries(report.versions ?? {})
        .map(([name, v]) => `${name} ${v}`)
        .join(', ')}. ` +
      `Median (p10–p90 from 10 runs on, else min–max); every cold-start figure from a fresh process. ` +
      `Run took ${Math.round(report.durationS / 60)} min.`,
  );
  if (r.import || r.objects || r.sign || r.stream) out.push(targetsSection(r));
  if (r.stream) {
    const idle = r.stream.idleRssMiB;
    out.push(
      `RSS floor for comparison: an idle Node process ${fmt(idle.node.median)} MiB; with the client loaded: ` +
        PEERS.map((p) => `${PEER_LABELS[p]} ${fmt(idle[p].median)} MiB`).join(', ') +
        '.',
    );
  }
  if (r.list) out.push(`**Listing** (ListObjectsV2, every page)\n\n${listSection(r.list)}`);
  if (r.locks) out.push(`**Locks** (s3func)\n\n${locksSection(r.locks)}`);
  return `${out.join('\n\n')}\n`;
}

/** Replaces what lies between the bench markers in the README with `markdown`. */
export async function spliceReadme(path, markdown) {
  const readme = await readFile(path, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${path} has no ${START} … ${END} markers`);
  const next = `${readme.slice(0, start + START.length)}\n\n${markdown}\n${readme.slice(end)}`;
  await writeFile(path, next);
}

// `node bench/report.mjs results/x.json`: re-render a saved report.
if (import.meta.url === `file://${process.argv[1]}`) {
  const report = JSON.parse(await readFile(process.argv[2], 'utf8'));
  process.stdout.write(renderMarkdown(report));
}
