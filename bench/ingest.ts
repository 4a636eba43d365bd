/**
 * Ingest benchmark: a real server in a child process on loopback, sealed
 * RESTREINT UE cables addressed to 30 organisations / 300 devices, sent by 8 devices at
 * once, each answered with its receipt only after its commit is durable; then a page of 50
 * from an inbox of 10,000 listed over HTTP. On SQLite, and on PostgreSQL when one is at
 * 127.0.0.1:5432; on PostgreSQL also with two app processes of one node, the senders spread
 * over both (`postgres_two_process_cables_per_s`). Besides throughput and p50/p99, the node's
 * CPU time per cable (`<backend>_server_cpu_ms_per_cable`, from /proc, and its main thread's,
 * `<backend>_main_thread_cpu_ms_per_cable`), which a busy shared machine disturbs less, and
 * the statements the node sent its database per cable (`<backend>_statements_per_cable`,
 * counted in the server process), which it does not disturb at all. The senders write cables
 * as the SDK does, JSON with a bytes section; `BENCH_WIRE=json` sends plain JSON to compare.
 * Measures and prints; never asserts on time.
 *
 * Sealing one cable for 300 devices takes 300 X-Wing encapsulations (about half a second),
 * far slower than ingest, so each sender seals ONE real cable up front and then re-signs
 * its header with a fresh id, serial and prev for every send. The server cannot tell (it
 * never opens a wrap); a recipient could not open the copies, since the wraps bind the id.
 * The 10,000-cable inbox is filled through the store directly; the listing goes through HTTP.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { CableHeader } from '../src/core/cable/cable-header.ts';
import { cableHash, encodeHeader } from '../src/core/cable/cable-header.ts';
import { sealCable } from '../src/core/cable/seal-cable.ts';
import { type SealedCable, sealedCableDocument } from '../src/core/cable/sealed-cable.ts';
import { generateSigner, type Signer, signLabelled } from '../src/core/crypto/ed25519.ts';
import { XWing } from '../src/core/crypto/hpke/x-wing.ts';
import { LABELS } from '../src/core/crypto/labels.ts';
import { sha256 } from '../src/core/crypto/sha256.ts';
import { randomBytes, toBase64url } from '../src/core/encoding/bytes.ts';
import {
  type BytesValue,
  encodeJsonWithBytes,
  JSON_WITH_BYTES_TYPE,
} from '../src/core/encoding/json-with-bytes.ts';
import { toJsonValue } from '../src/core/encoding/to-json.ts';
import type { OrgCertificate, SignedEntry, UserCertificate } from '../src/core/identity/certificate.ts';
import { type Directory, type NetworkRoot, openDirectory } from '../src/core/identity/directory.ts';
import { issueCertificate } from '../src/core/identity/issue-certificate.ts';
import { signRequest } from '../src/core/wire/sign-request.ts';
import { auditRecord } from '../src/server/audit-event.ts';
import { entryRow } from '../src/server/directory-cache.ts';
import { encodeCursor } from '../src/server/inbox-cursor.ts';
import { openPostgresStore } from '../src/server/store/open-postgres.ts';
import { openSqliteStore } from '../src/server/store/open-sqlite.ts';
import type { Store } from '../src/server/store/store.ts';
import { type ServerProcess, spawnServer } from '../test/server/fixtures/spawn-server.ts';

const ORGS = 30;
const DEVICES_PER_ORG = 10;
const SENDERS = 8;
const WARMUP_PER_SENDER = 3;
const SENDS_PER_SENDER = Number(process.env.BENCH_SENDS ?? 50);
/**
 * How the senders write a cable: as JSON with a bytes section, as the SDK does (the default),
 * or with `BENCH_WIRE=json` as plain JSON, its 450 KB of wraps in base64url, to compare.
 */
const WIRE: 'json-bytes' | 'json' = process.env.BENCH_WIRE === 'json' ? 'json' : 'json-bytes';
const INBOX_SIZE = 10_000;
const INBOX_REQUESTS = 200;
const NOW = 1_772_445_600;
const POSTGRES_ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
/** The origin two app processes of one node share (signatures name it, not a port). */
const BENCH_ORIGIN = 'http://valise.bench';

interface BenchDevice {
  readonly id: string;
  readonly org: string;
  readonly user: string;
  readonly signer: Signer;
}

interface BenchNetwork {
  readonly root: NetworkRoot;
  readonly entries: SignedEntry[];
  readonly devices: BenchDevice[];
  readonly directory: Directory;
}

const id = () => toBase64url(randomBytes(16));
const orgName = (i: number) => `O${String(i).padStart(2, '0')}`;

async function buildNetwork(): Promise<BenchNetwork> {
  const rootSigner = await generateSigner();
  const root: NetworkRoot = { network: 'bench', key: rootSigner.publicKey, accreditation: 'RESTREINT UE' };
  const entries: SignedEntry[] = [];
  const devices: BenchDevice[] = [];
  for (let o = 0; o < ORGS; o++) {
    const org = orgName(o);
    const orgSigner = await generateSigner();
    const cert: OrgCertificate = {
      v: 1,
      kind: 'org',
      network: 'bench',
      org,
      name: org,
      accreditation: 'RESTREINT UE',
      key: orgSigner.publicKey,
      issuedAt: NOW - 86_400,
    };
    entries.push(await issueCertificate(cert, rootSigner));
    for (let d = 0; d < DEVICES_PER_ORG; d++) {
      const user: UserCertificate = {
        v: 1,
        kind: 'user',
        org,
        user: `${org.toLowerCase()}.u${d}`,
        name: `user ${d}`,
        clearance: 'RESTREINT UE',
        role: d === 0 ? 'registry' : 'member',
        groups: [],
        issuedAt: NOW - 86_400,
      };
      entries.push(await issueCertificate(user, orgSigner));
      const signer = await generateSigner();
      const kem = await XWing.generateKeyPair();
      const device = id();
      entries.push(
        await issueCertificate(
          {
            v: 1,
            kind: 'device',
            org,
            user: user.user,
            device,
            label: 'bench',
            signingKey: signer.publicKey,
            kemKey: kem.publicKey,
            issuedAt: NOW - 86_400,
            expiresAt: NOW + 86_400 * 365,
          },
          orgSigner,
        ),
      );
      devices.push({ id: device, org, user: user.user, signer });
    }
  }
  return { root, entries, devices, directory: await openDirectory(root, entries) };
}

async function seed(store: Store, network: BenchNetwork): Promise<void> {
  for (let index = 0; index < network.entries.length; index++) {
    const row = entryRow(index, network.entries[index]!);
    const audit = auditRecord({
      at: NOW,
      type: 'directory.entry',
      actor: {},
      object: { kind: row.kind, id: row.subject },
      detail: {},
    });
    await store.appendDirectoryEntry(row, NOW, audit);
  }
}

interface Database {
  readonly backend: 'sqlite' | 'postgres';
  readonly location: string;
  open(): Promise<Store>;
  drop(): Promise<void>;
}

async function sqliteDatabase(): Promise<Database> {
  const dir = mkdtempSync(join(tmpdir(), 'valise-bench-'));
  const location = join(dir, 'valise.db');
  return {
    backend: 'sqlite',
    location,
    open: () => openSqliteStore({ path: location, onFatal: () => process.exit(70) }),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresDatabase(): Promise<Database | undefined> {
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN, connectionTimeoutMillis: 2000 });
  admin.on('error', () => {});
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const name = `valise_bench_${Math.random().toString(36).slice(2, 10)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const location = `postgres://postgres@127.0.0.1:5432/${name}`;
  return {
    backend: 'postgres',
    location,
    open: () => openPostgresStore({ connectionString: location, onFatal: () => process.exit(70) }),
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

interface SignedRequest {
  /** Where to send it, when not to the origin it is signed for. */
  readonly to?: string;
  readonly method: 'GET' | 'POST';
  readonly target: string;
  readonly headers: Record<string, string>;
  readonly body?: Uint8Array;
}

/** Signs a request as a client device does. */
/** Each bench device's request sequence numbers (docs/design.md §9): one higher per request. */
const sequences = new Map<string, number>();
function nextSequence(device: string): number {
  const next = (sequences.get(device) ?? 0) + 1;
  sequences.set(device, next);
  return next;
}

async function sign(
  origin: string,
  device: BenchDevice,
  method: 'GET' | 'POST',
  target: string,
  body?: Uint8Array,
  type = 'application/json',
): Promise<SignedRequest> {
  const headers: Record<string, string> = body ? { 'content-type': type } : {};
  const signature = await signRequest(
    { method, url: `${origin}${target}`, headers, ...(body ? { body } : {}) },
    { keyId: device.id, signer: device.signer, now: NOW, nonce: id(), sequence: nextSequence(device.id) },
  );
  return { method, target, headers: { ...headers, ...signature }, ...(body ? { body } : {}) };
}

/**
 * Kept-alive connections for the senders. node:http rather than fetch: the senders share the
 * node's two cores, and fetch spent ~6 ms of CPU per half-megabyte cable, a third of what
 * the whole machine spent; senders elsewhere would cost the node nothing.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function send(origin: string, request: SignedRequest): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      `${origin}${request.target}`,
      {
        agent,
        method: request.method,
        headers: {
          ...request.headers,
          ...(request.body ? { 'content-length': String(request.body.length) } : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/** One sender's series: re-signs its sealed cable at each new place (see the module header). */
class Series {
  #prev: Uint8Array | undefined;
  #serial = 0;
  /** The cable's parts no send changes (content, summary, wraps), as bytes. */
  readonly #parts: { readonly [field: string]: BytesValue };
  /** Those parts as plain JSON after the header and signature, for `BENCH_WIRE=json`. */
  readonly #tail: string;

  constructor(
    readonly sender: BenchDevice,
    readonly sealed: SealedCable,
  ) {
    const {
      header: _header,
      signature: _signature,
      ...parts
    } = sealedCableDocument(sealed) as {
      readonly [field: string]: BytesValue;
    };
    this.#parts = parts;
    // `{"content":…,"wraps":[…]}` becomes `,"content":…,"wraps":[…]}}`, closing cable and body.
    this.#tail = WIRE === 'json' ? `,${JSON.stringify(toJsonValue(parts)).slice(1)}}` : '';
  }

  /** The body of the next send, and its media type. */
  async next(): Promise<{ readonly body: Uint8Array; readonly type: string }> {
    this.#serial += 1;
    const { prev: _prev, ...rest } = this.sealed.header;
    const header: CableHeader = {
      ...rest,
      id: id(),
      serial: this.#serial,
      ...(this.#prev ? { prev: this.#prev } : {}),
    };
    const signature = await signLabelled(this.sender.signer, LABELS.cableHeader, encodeHeader(header));
    this.#prev = cableHash(header, signature);
    if (WIRE === 'json-bytes') {
      const cable = { header: toJsonValue(header), signature: toBase64url(signature), ...this.#parts };
      return { body: encodeJsonWithBytes({ cable }), type: JSON_WITH_BYTES_TYPE };
    }
    const headerJson = new TextDecoder().decode(encodeHeader(header));
    const body = new TextEncoder().encode(
      `{"cable":{"header":${headerJson},"signature":"${toBase64url(signature)}"${this.#tail}`,
    );
    return { body, type: 'application/json' };
  }
}

/**
 * CPU time (user + system, ms) the process has used so far, from /proc (Linux), or undefined
 * elsewhere. On a shared machine the server's CPU per cable is steadier than cables per second.
 */
function cpuMs(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : ticksMs(`/proc/${pid}/stat`);
}

/**
 * CPU time (ms) of the process's main thread alone (its thread id is the process id), from
 * /proc (Linux). The main thread is where requests are answered and SQLite is written, so
 * its time per cable bounds a node's cables per second, whatever its worker threads do.
 */
function mainThreadCpuMs(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : ticksMs(`/proc/${pid}/task/${pid}/stat`);
}

/** utime + stime (ms) from a proc(5) `stat` file, or undefined where there is none. */
function ticksMs(path: string): number | undefined {
  try {
    // Fields after the command name: state is 3rd, utime 14th, stime 15th (proc(5)), in ticks of 10 ms.
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * CPU time (ms) the whole machine has been busy so far, summed over its cores, from
 * /proc/stat (Linux): the node, the senders, the database and the kernel's share of each.
 * Over a quiet machine's run it is what one cable costs end to end; cores × 1000 divided by
 * it is the most cables per second the machine could ingest this way.
 */
function machineCpuMs(): number | undefined {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
    // user nice system idle iowait irq softirq steal, in ticks of 10 ms (proc(5)).
    const busy = [0, 1, 2, 5, 6, 7].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
    return busy * 10;
  } catch {
    return undefined;
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * Sends every sender's cables, the senders concurrently, each waiting for its receipt
 * before the next. Requests are built and signed beforehand (the server's clock is fixed,
 * so they stay fresh), so the timed part is the server's work, not the client's.
 */
async function ingest(
  node: ServerProcess | Node,
  senders: Series[],
): Promise<{
  perSecond: number;
  latencies: number[];
  cpuMsPerCable: number | undefined;
  mainThreadCpuMsPerCable: number | undefined;
  clientCpuMsPerCable: number;
  machineCpuMsPerCable: number | undefined;
}> {
  // One process, or the app processes of one node: sender i goes to process i mod n.
  const { processes, origin } = 'processes' in node ? node : { processes: [node], origin: node.origin };
  const server = processes[0]!;
  const at = (series: Series) => processes[senders.indexOf(series) % processes.length]!.origin;
  const prepare = async (series: Series, count: number) => {
    const out: SignedRequest[] = [];
    for (let i = 0; i < count; i++)
      out.push({
        ...(await series
          .next()
          .then(({ body, type }) => sign(origin, series.sender, 'POST', '/api/v1/cables', body, type))),
        to: at(series),
      });
    return out;
  };
  const post = async (request: SignedRequest) => {
    const started = performance.now();
    const response = await send(request.to ?? origin, request);
    if (response.status !== 201) throw new Error(`send refused: ${response.status} ${response.text}`);
    return performance.now() - started;
  };
  const warmup = await Promise.all(senders.map((s) => prepare(s, WARMUP_PER_SENDER)));
  const timed = await Promise.all(senders.map((s) => prepare(s, SENDS_PER_SENDER)));
  await Promise.all(
    warmup.map(async (requests) => {
      for (const r of requests) await post(r);
    }),
  );
  const latencies: number[] = [];
  const cpuBefore = cpuMs(server.child.pid);
  const mainBefore = mainThreadCpuMs(server.child.pid);
  const machineBefore = machineCpuMs();
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    timed.map(async (requests) => {
      for (const r of requests) latencies.push(await post(r));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuMs(server.child.pid);
  const mainAfter = mainThreadCpuMs(server.child.pid);
  const machineAfter = machineCpuMs();
  const client = process.cpuUsage(clientBefore);
  return {
    perSecond: latencies.length / seconds,
    latencies: latencies.sort((a, b) => a - b),
    cpuMsPerCable:
      cpuBefore === undefined || cpuAfter === undefined
        ? undefined
        : (cpuAfter - cpuBefore) / latencies.length,
    mainThreadCpuMsPerCable:
      mainBefore === undefined || mainAfter === undefined
        ? undefined
        : (mainAfter - mainBefore) / latencies.length,
    clientCpuMsPerCable: (client.user + client.system) / 1000 / latencies.length,
    machineCpuMsPerCable:
      machineBefore === undefined || machineAfter === undefined
        ? undefined
        : (machineAfter - machineBefore) / latencies.length,
  };
}

/** Fills `reader`'s inbox to INBOX_SIZE with small cables from organisations that did not send. */
async function fillInbox(
  store: Store,
  network: BenchNetwork,
  reader: BenchDevice,
  already: number,
): Promise<void> {
  const orgs = Array.from({ length: ORGS - SENDERS }, (_, i) => orgName(SENDERS + i));
  const perOrg = Math.ceil((INBOX_SIZE - already) / orgs.length);
  let left = INBOX_SIZE - already;
  await Promise.all(
    orgs.map(async (org) => {
      const sender = network.devices.find((d) => d.org === org)!;
      let prev: Uint8Array | undefined;
      for (let serial = 1; serial <= perOrg && left > 0; serial++) {
        left -= 1;
        const content = randomBytes(200);
        const recipients = [reader.id, sender.id].sort();
        const header: CableHeader = {
          v: 1,
          suite: 'valise-v1/x-wing/hkdf-sha256/aes-256-gcm',
          id: id(),
          org,
          sender: { user: sender.user, device: sender.id },
          sentAt: NOW,
          classification: 'RESTREINT UE',
          markings: [],
          precedence: serial % 7 === 0 ? 'IMMEDIATE' : 'ROUTINE',
          distribution: [{ org: reader.org, role: 'action' }],
          groups: [],
          epoch: network.entries.length,
          serial,
          ...(prev ? { prev } : {}),
          contentHash: sha256(content),
          contentLength: content.length,
          recipients,
        };
        const signature = randomBytes(64);
        const hash = cableHash(header, signature);
        const audit = auditRecord({
          at: NOW,
          type: 'cable.accepted',
          actor: {},
          object: { kind: 'cable', id: header.id },
          detail: {},
        });
        const outcome = await store.acceptCable(
          {
            id: header.id,
            org,
            year: 2026,
            serial,
            prev,
            senderDevice: sender.id,
            senderUser: sender.user,
            distribution: header.distribution,
            header: encodeHeader(header),
            signature,
            content,
            hash,
            classification: header.classification,
            precedence: header.precedence,
            sentAt: NOW,
            acceptedAt: NOW,
          },
          recipients.map((device) => ({ device, enc: randomBytes(1120), key: randomBytes(48) })),
          audit,
        );
        if (outcome.kind !== 'accepted') throw new Error(`inbox fill: ${outcome.kind}`);
        prev = hash;
      }
    }),
  );
}

async function listInbox(server: ServerProcess, reader: BenchDevice, maxSeq: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < INBOX_REQUESTS; i++) {
    // Half first pages, half pages from a random point of the 10,000.
    const target =
      i % 2 === 0
        ? '/api/v1/inbox?limit=50'
        : `/api/v1/inbox?limit=50&before=${encodeCursor(1 + Math.floor(Math.random() * maxSeq))}`;
    const request = await sign(server.origin, reader, 'GET', target);
    const started = performance.now();
    const response = await send(server.origin, request);
    times.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`inbox: ${response.status} ${response.text}`);
    if (i === 0 && (JSON.parse(response.text) as { items: unknown[] }).items.length !== 50)
      throw new Error('inbox page is not 50 long');
  }
  return times.sort((a, b) => a - b);
}

/** App processes of one node over one database: one origin (what signatures name), one log key. */
interface Node {
  readonly processes: readonly ServerProcess[];
  readonly origin: string;
}

async function stop(server: ServerProcess): Promise<void> {
  server.child.kill('SIGTERM');
  await server.exited;
}

export async function run(): Promise<Record<string, number>> {
  console.log(`building a network of ${ORGS} organisations and ${ORGS * DEVICES_PER_ORG} devices…`);
  const network = await buildNetwork();
  const senderDevices = Array.from({ length: SENDERS }, (_, i) => network.devices[i * DEVICES_PER_ORG + 1]!);
  const reader = network.devices[ORGS * DEVICES_PER_ORG - 1]!;
  let started = performance.now();
  const sealed = await Promise.all(
    senderDevices.map((sender) =>
      sealCable({
        draft: {
          classification: 'RESTREINT UE',
          precedence: 'ROUTINE',
          distribution: Array.from({ length: ORGS }, (_, i) => ({
            org: orgName(i),
            role: 'action' as const,
          })),
          sentAt: NOW,
        },
        content: { subject: 'Ingest benchmark', body: 'x'.repeat(2000) },
        sender: { user: sender.user, device: sender.id, signer: sender.signer },
        directory: network.directory,
        series: { serial: 1 },
      }),
    ),
  );
  const sealMs = (performance.now() - started) / SENDERS;
  console.log(
    `sealed ${SENDERS} cables for ${sealed[0]!.wraps.length} devices each: ${round(sealMs)} ms per cable (then re-signed per send)`,
  );

  const figures: Record<string, number> = {};
  const worst = { p50: 0, p99: 0 };
  for (const make of [sqliteDatabase, postgresDatabase]) {
    const database = await make();
    if (!database) {
      console.log('postgres: skipped: no PostgreSQL at 127.0.0.1:5432');
      continue;
    }
    const name = database.backend;
    try {
      let store = await database.open();
      await seed(store, network);
      await store.close();
      const serverSeed = randomBytes(32);
      let server = await spawnServer({
        backend: name,
        location: database.location,
        root: network.root,
        seed: serverSeed,
        now: NOW,
        countStatements: true,
      });
      const senders = senderDevices.map((sender, i) => new Series(sender, sealed[i]!));
      const {
        perSecond,
        latencies,
        cpuMsPerCable,
        mainThreadCpuMsPerCable,
        clientCpuMsPerCable,
        machineCpuMsPerCable,
      } = await ingest(server, senders);
      const p50 = percentile(latencies, 50);
      const p99 = percentile(latencies, 99);
      console.log(
        `${name}: ${latencies.length} cables (${SENDERS} senders, ${sealed[0]!.wraps.length} wraps each, as ${WIRE}): ${round(perSecond)} cables/s, p50 ${round(p50)} ms, p99 ${round(p99)} ms` +
          (cpuMsPerCable === undefined ? '' : `, server CPU ${round(cpuMsPerCable)} ms per cable`) +
          (mainThreadCpuMsPerCable === undefined ? '' : ` (main thread ${round(mainThreadCpuMsPerCable)})`),
      );
      console.log(
        `${name}: CPU per cable: senders ${round(clientCpuMsPerCable)} ms` +
          (machineCpuMsPerCable === undefined
            ? ''
            : `, whole machine ${round(machineCpuMsPerCable)} ms (node, senders, database, kernel; ${cpus().length} cores: at most ${Math.round((cpus().length * 1000) / machineCpuMsPerCable)} cables/s this way, load ${loadavg()[0]!.toFixed(1)})`),
      );
      if (cpuMsPerCable !== undefined) figures[`${name}_server_cpu_ms_per_cable`] = round(cpuMsPerCable);
      if (mainThreadCpuMsPerCable !== undefined)
        figures[`${name}_main_thread_cpu_ms_per_cable`] = round(mainThreadCpuMsPerCable);
      figures[`${name}_client_cpu_ms_per_cable`] = round(clientCpuMsPerCable);
      if (machineCpuMsPerCable !== undefined)
        figures[`${name}_machine_cpu_ms_per_cable`] = round(machineCpuMsPerCable);
      figures[`${name}_cables_per_s`] = round(perSecond);
      figures[`${name}_p50_ms`] = round(p50);
      figures[`${name}_p99_ms`] = round(p99);
      worst.p50 = Math.max(worst.p50, p50);
      worst.p99 = Math.max(worst.p99, p99);
      await stop(server);
      let received = SENDERS * (WARMUP_PER_SENDER + SENDS_PER_SENDER);
      const statements = await server.statements;
      if (statements !== undefined) {
        // Every request of the run, warm-up included: the statements a cable costs the node.
        const perCable = statements / received;
        console.log(
          `${name}: ${round(perCable)} statements to the database per cable (${statements} for ${received} cables; counted, so the host's load does not move it)`,
        );
        figures[`${name}_statements_per_cable`] = round(perCable);
      }

      if (name === 'postgres') {
        // Two app processes of one node over the same database, the senders spread over both
        // (on 2 cores this shows the processes agree under contention more than it adds speed).
        const logSeed = randomBytes(32);
        const processes = await Promise.all(
          [0, 1].map(() =>
            spawnServer({
              backend: name,
              location: database.location,
              root: network.root,
              seed: serverSeed,
              logSeed,
              origin: BENCH_ORIGIN,
              now: NOW,
              countStatements: true,
            }),
          ),
        );
        const two = await ingest({ processes, origin: BENCH_ORIGIN }, senders);
        console.log(
          `${name}, two processes: ${two.latencies.length} cables: ${round(two.perSecond)} cables/s, p50 ${round(percentile(two.latencies, 50))} ms, p99 ${round(percentile(two.latencies, 99))} ms`,
        );
        figures.postgres_two_process_cables_per_s = round(two.perSecond);
        figures.postgres_two_process_p99_ms = round(percentile(two.latencies, 99));
        await Promise.all(processes.map(stop));
        const sent = SENDERS * (WARMUP_PER_SENDER + SENDS_PER_SENDER);
        const counted = await Promise.all(processes.map((p) => p.statements));
        if (counted.every((n) => n !== undefined)) {
          const total = counted.reduce((a, b) => a + b, 0);
          console.log(`${name}, two processes: ${round(total / sent)} statements per cable`);
          figures.postgres_two_process_statements_per_cable = round(total / sent);
        }
        received += sent;
      }

      store = await database.open();
      started = performance.now();
      await fillInbox(store, network, reader, received);
      await store.close();
      console.log(
        `${name}: inbox of ${INBOX_SIZE} filled through the store in ${round((performance.now() - started) / 1000)} s`,
      );
      server = await spawnServer({
        backend: name,
        location: database.location,
        root: network.root,
        seed: serverSeed,
        now: NOW,
      });
      const times = await listInbox(server, reader, INBOX_SIZE + received);
      const p95 = percentile(times, 95);
      console.log(
        `${name}: inbox page of 50 of ${INBOX_SIZE}: p50 ${round(percentile(times, 50))} ms, p95 ${round(p95)} ms`,
      );
      figures[`${name}_inbox_p95_ms`] = round(p95);
      await stop(server);
    } finally {
      await database.drop();
    }
  }
  figures.p50_ms = round(worst.p50);
  figures.p99_ms = round(worst.p99);
  figures.inbox_p95_ms = Math.max(figures.sqlite_inbox_p95_ms ?? 0, figures.postgres_inbox_p95_ms ?? 0);
  agent.destroy();
  return figures;
}
