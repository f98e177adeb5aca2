// Turns a bench report (the JSON in bench/results/) into Markdown: the full tables, spliced into
// bench/README.md between <!-- bench:start --> and <!-- bench:end -->, and a five-row summary,
// spliced into README.md between <!-- bench:summary:start --> and <!-- bench:summary:end -->.
import { readFile, writeFile } from 'node:fs/promises';
import { PEER_LABELS, PEERS } from './lib/peers.mjs';
import { fmt, fmtSummary } from './lib/stats.mjs';

const FULL = ['<!-- bench:start -->', '<!-- bench:end -->'];
const SUMMARY = ['<!-- bench:summary:start -->', '<!-- bench:summary:end -->'];

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

const TARGET_HEAD = ['measure', ...PEERS.map((p) => PEER_LABELS[p]), 's3func ÷ SDK', 'target', ''];

function targetsSection(r) {
  return table(TARGET_HEAD, targetRows(r));
}

/** The rows of the target table (see `targetRow`). */
function targetRows(r) {
  const rows = [];
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
  return rows;
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

/** A measured count: `2`, or `24 (23–26)` when the runs differ; `–` when not measured (older reports). */
function fmtCount(summary) {
  if (!summary || summary.n === 0) return '–';
  const c = (x) => String(Math.round(x * 10) / 10);
  return summary.lo === summary.hi
    ? c(summary.median)
    : `${c(summary.median)} (${c(summary.lo)}–${c(summary.hi)})`;
}

/** A round-trip chain, runs of equal steps merged: `LIST tickets ∥ PUT lease → 12 × HEAD turn → PUT turn`. */
function describeChain(chain) {
  const out = [];
  for (let i = 0; i < chain.length; ) {
    let j = i;
    while (j < chain.length && chain[j] === chain[i]) j++;
    const step = chain[i].includes(' ∥ ') && j - i > 1 ? `(${chain[i]})` : chain[i];
    out.push(j - i > 1 ? `${j - i} × ${step}` : step);
    i = j;
  }
  return out.join(' → ');
}

/** The hand-off's worst case against the target, a poll interval (+20 % jitter) plus `slackMs`. */
function handoffVerdict(c, slackMs) {
  const max = Math.max(...c.handoffMs.samples.filter(Number.isFinite));
  const bound = c.pollIntervalMs * 1.2 + slackMs;
  return { max, bound, ok: max <= bound };
}

function locksSection(k) {
  const parts = [];
  const cond = k.conditional;
  parts.push(
    `Settle delay ${k.settleDelayMs} ms on Ceph (\`s3func probe\` recommended ${k.probe.recommendedSettleDelayMs} ms: ` +
      `${k.probe.timestampGranularityMs} ms timestamp granularity, list-after-write lag ≤ ${k.probe.listAfterWriteLagMs.max} ms); ` +
      `the default, ${k.defaultSettleDelayMs} ms, is twice AWS's whole-second timestamp granularity. The settle delay and, ` +
      `under contention, the poll interval (default ${k.pollIntervalMs} ms, ±20 %) dominate latency. ` +
      `Requests counted on undici's diagnostics channel; round trips measured there too: a request's depth is ` +
      `1 + the deepest request answered before it was sent.`,
  );
  const rtt = (x, floor, settle) => (x.acquireMs.median - settle) / (x.acquireRoundTrips?.median ?? floor);
  const u = Object.values(k.uncontended);
  const rows = u.map((x) => [
    `${cond ? 'ticket' : 's3func'} ${x.mode}, settle ${x.settleDelayMs} ms`,
    fmtSummary(x.acquireMs),
    fmtSummary(x.releaseMs),
    describeCounts(x.acquireRequests),
    describeCounts(x.releaseRequests),
    `${k.floorRoundTrips[x.mode]} + settle`,
    fmtCount(x.acquireRoundTrips),
    fmt(rtt(x, k.floorRoundTrips[x.mode], x.settleDelayMs)),
  ]);
  const ours = k.uncontended[`exclusive@${k.settleDelayMs}`];
  if (ours) {
    const perTrip = rtt(ours, k.floorRoundTrips.exclusive, ours.settleDelayMs);
    rows.push([
      `seed protocol (Python s3func 0.9), estimated`,
      `≈ ${fmt(k.settleDelayMs + SEED.roundTrips * perTrip)}`,
      '–',
      describeCounts(SEED.requests),
      '–',
      `${SEED.roundTrips} + settle`,
      '–',
      fmt(perTrip),
    ]);
  }
  if (cond) {
    for (const x of Object.values(cond.uncontended)) {
      rows.push([
        `conditional ${x.mode}`,
        fmtSummary(x.acquireMs),
        fmtSummary(x.releaseMs),
        describeCounts(x.acquireRequests),
        describeCounts(x.releaseRequests),
        String(cond.floorRoundTrips[x.mode]),
        fmtCount(x.acquireRoundTrips),
        fmt(rtt(x, cond.floorRoundTrips[x.mode], 0)),
      ]);
    }
    for (const x of Object.values(cond.first)) {
      rows.push([
        `conditional ${x.mode}, first in a process, ${x.name === 'new' ? 'new name' : 'name exists'}`,
        fmtSummary(x.acquireMs),
        fmtSummary(x.releaseMs),
        describeCounts(x.acquireRequests),
        describeCounts(x.releaseRequests),
        '–',
        fmtCount(x.acquireRoundTrips),
        fmt(rtt(x, Number.NaN, 0)),
      ]);
    }
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
        'round trips (measured)',
        'ms per round trip',
      ],
      rows,
    ),
  );
  if (cond) {
    const ex = cond.uncontended.exclusive;
    const sh = cond.uncontended.shared;
    const firstKnown = cond.first['exclusive@existing'];
    const firstNew = cond.first['exclusive@new'];
    const trips = Math.max(ex.acquireRoundTrips.hi, sh.acquireRoundTrips.hi);
    parts.push(
      `Conditional rows (\`strategy: 'conditional'\`) need no settle delay: create-only writes (\`If-None-Match: *\`) ` +
        `order the turns, not listing timestamps. Target (issue 9): an uncontended acquisition in at most ` +
        `${cond.floorRoundTrips.exclusive} round trips once the process knows the name: ${verdict(trips <= cond.floorRoundTrips.exclusive)} ` +
        `(at most ${trips}). Exclusive: ${describeChain(ex.acquireChain)}; release: ${describeChain(ex.releaseChain)}. ` +
        `The first acquisition in a process also races the store's create-only writes (qualification, once per ` +
        `bucket), reads or creates the name's marker and searches the frontier (HEADs); on a name that exists: ` +
        `${describeChain(firstKnown.acquireChain)}` +
        (firstNew
          ? `; on a new name (the marker created, no done marker before turn 1): ${describeChain(firstNew.acquireChain)}.`
          : '.'),
    );
  }
  const contendedRows = [];
  for (const [key, c] of Object.entries(k.contended)) {
    const strategies = [[cond ? 'ticket, ' : '', c]];
    if (cond?.contended[key]) strategies.push(['conditional, ', cond.contended[key]]);
    for (const [label, x] of strategies) {
      contendedRows.push([
        `${label}${x.contenders} (${x.pollIntervalMs} ms)`,
        fmtSummary(x.handoffMs),
        fmt(Math.max(...x.handoffMs.samples.filter(Number.isFinite))),
        fmt(x.requestsPerAcquisition),
        fmt(x.listingsPerWaiterSecond),
        fmt(x.requestsPerWaiterSecond),
        String(x.acquisitions),
      ]);
    }
  }
  parts.push(
    table(
      [
        'contenders (poll interval)',
        'hand-off (ms)',
        'hand-off max (ms)',
        'requests per acquisition',
        'listings per waiter-second',
        'requests per waiter-second',
        'acquisitions',
      ],
      contendedRows,
    ),
  );
  let handoffNote =
    `Hand-off: from the holder's \`release()\` call to the next holder's \`acquire()\` resolving; floor: ` +
    'the release (its ticket deletes), the wait for the next poll (half the poll interval on average), ' +
    "the settle delay and 2 round trips (confirming listing with the conditional strategy's marker HEAD, fence PUT).";
  if (cond) {
    handoffNote +=
      ' Conditional: the release (the done marker PUT; the lease DELETE after it is not waited for), the wait for the next poll, no settle delay, ' +
      "and the entering poll (turn and done listings, then a GET of a blocker's done marker if the listing lags). " +
      'Contenders here hold for no time and arrive together: they race create after create for the next turn ' +
      'number (one wins each, the rest HEAD and try the next), so a conditional contender mostly gets its turn ' +
      'just as the one before ends and enters at once, without waiting for a poll; the table below measures a ' +
      'waiter that does wait.';
  }
  parts.push(handoffNote);
  if (k.handoff) {
    const ex = cond?.uncontended.exclusive;
    const perTrip = ex ? ex.acquireMs.median / ex.acquireRoundTrips.median : Number.NaN;
    const slack = 4 * perTrip;
    const rows = [];
    for (const [key, t] of Object.entries(k.handoff)) {
      const strategies = [['ticket', t]];
      if (cond?.handoff?.[key]) strategies.push(['conditional', cond.handoff[key]]);
      for (const [label, x] of strategies) {
        const check = label === 'conditional' ? handoffVerdict(x, slack) : undefined;
        rows.push([
          `${label}, poll ${x.pollIntervalMs} ms`,
          fmtSummary(x.handoffMs),
          fmt(Math.max(...x.handoffMs.samples.filter(Number.isFinite))),
          check ? `≤ ${fmt(check.bound)}` : '',
          check ? verdict(check.ok) : '',
        ]);
      }
    }
    parts.push(
      table(['hand-off to a waiter that polls', 'hand-off (ms)', 'max (ms)', 'target (ms)', ''], rows),
    );
    parts.push(
      'One waiter polls while the holder keeps the lock; the holder releases at a random moment of the ' +
        "waiter's poll cycle. Expected: up to the poll interval (+20 % jitter), half of it on average, plus the " +
        'release and the entering poll — and, for tickets, the settle delay and the confirming round trips. ' +
        (cond
          ? 'Target (issue 9): conditional hand-off bounded by the poll interval, checked as max ≤ 1.2 × poll + ' +
            `4 round trips (release, entering poll, one to spare; ${fmt(slack)} ms at the uncontended rate).`
          : ''),
    );
  }
  const growthHead = ['exclusive tickets waiting behind ours', 'acquire (ms)', 'requests'];
  const growthRows = Object.entries(k.growth).map(([n, g]) => [
    n,
    fmtSummary(g.acquireMs),
    describeCounts(g.requests),
  ]);
  if (cond) {
    growthHead[0] = 'exclusive tickets / turns waiting behind ours';
    growthHead[1] = 'ticket: acquire (ms)';
    growthHead[2] = 'ticket: requests';
    growthHead.push('conditional: entering poll (ms)', 'conditional: requests', 'round trips');
    for (const row of growthRows) {
      const g = cond.growth[row[0]];
      row.push(
        g ? fmtSummary(g.enterMs) : '–',
        g ? describeCounts(g.requests) : '–',
        g ? fmtCount(g.roundTrips) : '–',
      );
    }
  }
  parts.push(table(growthHead, growthRows));
  parts.push(
    'Waiting tickets: written (with leases) after ours; ours is then taken over by id (`lockId`), ' +
      'which adds one listing of our own ticket; each listing then carries 2 objects per waiting ticket.' +
      (cond
        ? ' Waiting turns: a holder takes turn 1, ours turn 2, the others 3… (with leases); the holder releases and ' +
          "ours enters at its next poll, measured from that poll's first request. Turns above ours are never read; " +
          'the turn listing carries them (one page, up to 1000 keys) and stops past our number.'
        : ''),
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

/** The README's five rows: the first measure of each kind, s3func beside its peers. */
const SUMMARY_ROWS = [
  'cold import, ESM (ms)',
  'process start → first PUT done (ms)',
  'PUT 1 KiB, 16 in flight: client CPU per 1000 ops (ms)',
  'SigV4 header signatures/s',
  '1 GiB download (MiB/s)',
];

/** The README's summary: five rows of the target table, and uncontended lock latency. */
export function renderSummary(report) {
  const r = report.results;
  const all = targetRows(r);
  const rows = SUMMARY_ROWS.flatMap((label) => {
    const row = all.find((x) => x[0].startsWith(label));
    return row ? [row.slice(0, 5)] : [];
  });
  const out = [
    `Measured by \`npm run bench\` on ${report.startedAt.slice(0, 10)} (${report.machine.cores} cores, Node ` +
      `${report.machine.node}, ${report.machine.server} on the same machine); median (p10–p90).`,
    table(TARGET_HEAD.slice(0, 5), rows),
  ];
  const k = r.locks;
  const ticket = k?.uncontended[`exclusive@${k.defaultSettleDelayMs}`];
  const cond = k?.conditional?.uncontended && Object.values(k.conditional.uncontended)[0];
  if (ticket && cond) {
    out.push(
      `An uncontended exclusive lock on the same Ceph RGW: ${fmt(cond.acquireMs.median)} ms with the conditional ` +
        `strategy, ${fmt(ticket.acquireMs.median)} ms with tickets at the default settle delay ` +
        `(${k.defaultSettleDelayMs} ms).`,
    );
  }
  return `${out.join('\n\n')}\n`;
}

/** Replaces what lies between `markers` in the Markdown file at `path` with `markdown`. */
async function splice(path, markers, markdown) {
  const [open, close] = markers;
  const text = await readFile(path, 'utf8');
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`${path} has no ${open} … ${close} markers`);
  await writeFile(path, `${text.slice(0, start + open.length)}\n\n${markdown}\n${text.slice(end)}`);
}

/** Writes a report's full tables into bench/README.md and its summary into the README. */
export async function spliceReports(report, { readme, benchReadme }) {
  await splice(benchReadme, FULL, renderMarkdown(report));
  await splice(readme, SUMMARY, renderSummary(report));
}

// `node bench/report.mjs results/x.json [--summary]`: re-render a saved report.
if (import.meta.url === `file://${process.argv[1]}`) {
  const report = JSON.parse(await readFile(process.argv[2], 'utf8'));
  process.stdout.write(process.argv.includes('--summary') ? renderSummary(report) : renderMarkdown(report));
}
