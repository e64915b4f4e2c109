/**
 * Help-center search latency: 1,000 generated articles (one app, English; 300 to 900 words each,
 * product words among Zipf-distributed filler, so a word is in some articles, not all),
 * then searches as a visitor types them (each prefix of a query, debounced widgets send fewer),
 * multi-word queries, misses and the empty query, through the real route (`app.inject`: parse,
 * origin check, service, SQL, JSON). Prints p50/p95/p99; target p95 < 20 ms on PGlite.
 *   npx tsx bench/help-search.ts [articles=1000] [rounds=3]
 * Set CONVOT_BENCH_DATABASE_URL=postgres://… to measure PostgreSQL instead of PGlite.
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../server/app.js';
import { parseConfig } from '../server/config.js';
import { RateLimiter } from '../server/rate-limit.js';
import { openPglite } from '../server/storage/pglite.js';
import { openPostgres } from '../server/storage/postgres.js';

const count = Number(process.argv[2] ?? 1000);
const rounds = Number(process.argv[3] ?? 3);
const dbUrl = process.env.CONVOT_BENCH_DATABASE_URL;

// A seeded generator, so every run searches the same corpus.
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

/** Product words: the ones visitors search for. */
const TOPIC = (
  'account billing invoice payment card refund subscription plan upgrade downgrade team member invite role owner developer viewer ' +
  'deploy release rollback region instance size environment variable secret domain certificate dns record email notification ' +
  'password security login single sign-on token api key webhook integration export import backup restore database storage ' +
  'bandwidth limit quota usage report dashboard settings profile language timezone support ticket chat status incident outage'
).split(' ');
const CATEGORIES = ['Basics', 'Billing', 'Account', 'Deploys', 'Security', 'Integrations', 'Data', 'Troubleshooting'];
/**
 * Everything else an article says: 3,000 made-up words drawn with Zipf's law (a few very
 * common, most rare), as in real text; the common ones play the part of "the", "your", "with".
 */
const SYLLABLES = 'ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo fu ga ge go gu la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo za ze zo'.split(' ');
const FILLER = Array.from({ length: 3000 }, () => Array.from({ length: 2 + Math.floor(rnd() * 3) }, () => pick(SYLLABLES)).join(''));
const zipfTotal = FILLER.reduce((t, _, i) => t + 1 / (i + 1), 0);
const filler = (): string => {
  let x = rnd() * zipfTotal;
  for (let i = 0; i < FILLER.length; i++) if ((x -= 1 / (i + 1)) <= 0) return FILLER[i]!;
  return FILLER[0]!;
};

/** An article is about three product words: they fill its title and recur in its body. */
function article(i: number) {
  const topic = [pick(TOPIC), pick(TOPIC), pick(TOPIC)];
  const word = () => {
    const r = rnd();
    return r < 0.1 ? pick(topic) : r < 0.13 ? pick(TOPIC) : filler();
  };
  const sentence = (n: number) => {
    const w = Array.from({ length: n }, word).join(' ');
    return `${w[0]!.toUpperCase()}${w.slice(1)}.`;
  };
  const parts: string[] = [];
  for (let s = 0; s < 3 + Math.floor(rnd() * 5); s++) {
    parts.push(`## ${sentence(3)}`, Array.from({ length: 3 + Math.floor(rnd() * 4) }, () => sentence(8 + Math.floor(rnd() * 10))).join(' '));
    if (rnd() < 0.3) parts.push(`- ${sentence(5)}\n- ${sentence(6)}\n- ${sentence(4)}`);
    if (rnd() < 0.2) parts.push('```sh\nacme deploy --region eu-west\n```');
  }
  const title = [topic[0]!, filler(), topic[1]!, ...(rnd() < 0.5 ? [filler()] : [])].join(' ');
  return { locale: 'en', slug: `article-${i}`, title: `${title[0]!.toUpperCase()}${title.slice(1)}`, category: pick(CATEGORIES), body: parts.join('\n\n') };
}

const articles = Array.from({ length: count }, (_, i) => article(i));

const db = dbUrl ? await openPostgres(dbUrl) : await openPglite();
const started = performance.now();
const app = await buildApp({
  db,
  root: process.cwd(),
  config: parseConfig({ apps: [{ id: 'app_bench', name: 'Bench', articles }], agents: [] }, {}),
  // No limits: this measures search, not the rate limiter.
  rateLimiter: Object.assign(new RateLimiter(), { hit: () => undefined }),
});
const loadMs = performance.now() - started;

const TYPED = ['invoice', 'refund policy', 'deploy rollback', 'api key webhook', 'password reset', 'single sign-on', 'certificate domain', 'backup restore'];
const queries: string[] = [];
for (const q of TYPED) for (let i = 2; i <= q.length; i++) queries.push(q.slice(0, i)); // as typed, keystroke by keystroke
queries.push('zzzz nothing matches', 'team member invite role owner', '');

const search = async (q: string) => {
  const res = await app.inject({ method: 'GET', url: `/api/v1/apps/app_bench/help/articles?locale=en&q=${encodeURIComponent(q)}` });
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json() as { articles: unknown[] };
};

for (const q of queries.slice(0, 20)) await search(q); // warm up (plans, caches)
// Wall time, and this process's CPU time (PGlite runs in it): on a busy shared machine the
// wall time includes waiting for a core, the CPU time is what one search costs.
const times: number[] = [];
const cpu: number[] = [];
let hits = 0;
for (let r = 0; r < rounds; r++) {
  for (const q of queries) {
    const c = process.cpuUsage();
    const t = performance.now();
    hits += (await search(q)).articles.length;
    times.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
}
times.sort((a, b) => a - b);
cpu.sort((a, b) => a - b);
const at = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!.toFixed(1);
const pct = (p: number) => at(times, p);
const empty = performance.now();
await search('');
const emptyMs = performance.now() - empty;

console.log(`help search on ${dbUrl ? 'PostgreSQL' : 'PGlite'}: ${count} articles (written and indexed in ${(loadMs / 1000).toFixed(1)} s at start)`);
console.log(`${times.length} searches (${queries.length} queries × ${rounds}; as-typed prefixes, multi-word, misses, empty), ${(hits / times.length).toFixed(1)} results each on average`);
console.log(`latency ms (wall): p50 ${pct(50)}  p95 ${pct(95)}  p99 ${pct(99)}  max ${times[times.length - 1]!.toFixed(1)}   (target p95 < 20)`);
console.log(`CPU ms per search:  p50 ${at(cpu, 50)}  p95 ${at(cpu, 95)}  p99 ${at(cpu, 99)}   (load average now ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`);
console.log(`the home list (empty query, every article of the locale): ${emptyMs.toFixed(1)} ms`);
await app.close();
await db.close();
