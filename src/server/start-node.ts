/**
 * Starts one server node from its settings, listens, and hands back its address and a way
 * to stop it. Two entries call it, each owning its process (signals, exit codes): `npm start`
 * (main.ts) and `valise serve` (src/cli/start-server.ts). This function never exits the
 * process; a refused setting is a NodeConfigError, a refused store a StoreError.
 *
 *   PORT                  port to listen on (default 8080; 0 picks a free one); HOST
 *                         (default localhost)
 *   DATABASE_URL          PostgreSQL connection string; without it, SQLite in the data dir
 *   VALISE_DATA_DIR       where the SQLite file and the server key live (default ./var)
 *   VALISE_NETWORK        the network name the root certifies organisations for
 *   VALISE_ROOT_KEY       the network root's Ed25519 public key, base64url (made and kept
 *                         offline by `valise network init`; never the private key)
 *   VALISE_ACCREDITATION  the network's classification cap (default RESTREINT UE)
 *   LOG_LEVEL             pino level (default info)
 *   VALISE_ORIGIN         the origin browsers use, which passkeys are bound to
 *                         (default http://localhost:PORT); the WebAuthn RP ID is its host
 *   VALISE_REQUIRE_AAL3   1: refuse synced passkeys (NIST SP 800-63B AAL3)
 *   VALISE_WEB_DIR        the built web app (default dist/web)
 *   VALISE_CHECKPOINT_MS  how often the audit log signs a checkpoint while events arrive
 *                         (default 2000; clients also get a fresh one on demand)
 *   VALISE_WITNESS_QUORUM how many organisations' witnesses must cosign a checkpoint before
 *                         clients act on the directory changes it covers (default 1; 0: none)
 *   VALISE_ATTACHMENT_DEVICE_MIB, VALISE_ATTACHMENT_ORG_MIB, VALISE_ATTACHMENT_GRACE_HOURS
 *                         quotas on unlinked attachments and how long they are kept
 *                         (default 256 MiB per device, 2048 MiB per organisation, 24 h)
 *   VALISE_ESCALATION     how long action addressees have to acknowledge, per precedence:
 *                         `FLASH=10m,IMMEDIATE=1h,PRIORITY=1wd` (the default; m minutes,
 *                         h hours, wd working days; `off` never); ROUTINE never escalates
 *
 * Keys made on first start and kept as 0600 files in the data dir: `server-key` signs
 * receipts, `log-key` signs the audit log's checkpoints (its verifier key is served at
 * GET /api/v1/log and pinned by clients at enrolment).
 *
 * Without VALISE_ROOT_KEY it starts a throw-away demo network instead (see startDemo).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEscalationLimits } from '../core/cable/escalation.ts';
import { exportSeed, generateSigner, type Signer, signerFromSeed } from '../core/crypto/ed25519.ts';
import { fromBase64url, toBase64url } from '../core/encoding/bytes.ts';
import {
  CLASSIFICATIONS,
  type Classification,
  DEFAULT_NETWORK_ACCREDITATION,
} from '../core/identity/classification.ts';
import type { NetworkRoot } from '../core/identity/directory.ts';
import { buildApp } from './app.ts';
import { type BodyParser, startBodyParser } from './body-parser.ts';
import { SystemClock } from './clock.ts';
import { startEscalation } from './delivery/escalate-overdue.ts';
import { type DemoWitnessKey, formatDemoLinks, setUpWitnessedDemoNetwork } from './demo-network.ts';
import { DemoWitnesses } from './demo-witnesses.ts';
import { Checkpointer, IntervalTimer } from './log/checkpointer.ts';
import { NodeConfigError } from './node-config-error.ts';
import { sweepAttachments } from './routes/attachments.ts';
import { DEFAULT_LIMITS, type ServerLimits } from './server-context.ts';
import { openPostgresStore } from './store/open-postgres.ts';
import { openSqliteStore } from './store/open-sqlite.ts';
import type { Store } from './store/store.ts';

/** The settings above, as the process environment holds them. */
export type NodeSettings = Readonly<Record<string, string | undefined>>;

/** The exit code of a process stopped by `onFatal` (both entries use it). */
export const EXIT_FATAL_WRITE = 70;

/** The operator's line for a write the disk could not make durable. */
export function fatalWriteMessage(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return `valise: FATAL: a write could not be made durable (${String(code)}); stopping without acknowledging it`;
}

export interface StartNodeOptions {
  /**
   * A write the disk could not make durable (docs/design.md §7, fail-stop): the caller must stop
   * the process without acknowledging anything more.
   */
  readonly onFatal: (error: unknown) => void;
}

export interface RunningNode {
  /** The address it listens on, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Stops the checkpointer, closes the HTTP server, then the store. */
  close(): Promise<void>;
}

async function openStore(env: NodeSettings, sqlitePath: string, onFatal: StartNodeOptions['onFatal']) {
  if (env.DATABASE_URL) return openPostgresStore({ connectionString: env.DATABASE_URL, onFatal });
  return openSqliteStore({ path: sqlitePath, onFatal });
}

function accreditationOf(env: NodeSettings): Classification {
  const value = env.VALISE_ACCREDITATION ?? DEFAULT_NETWORK_ACCREDITATION;
  const found = CLASSIFICATIONS.find((c) => c === value);
  if (!found) throw new NodeConfigError(`VALISE_ACCREDITATION must be one of ${CLASSIFICATIONS.join(', ')}`);
  return found;
}

/** A server key (`server-key`, `log-key`): a 0600 file in the data dir, made on first start. */
async function serverKey(dataDir: string, name = 'server-key'): Promise<Signer & { privateKey: CryptoKey }> {
  const path = join(dataDir, name);
  if (existsSync(path)) {
    const seed = fromBase64url(readFileSync(path, 'utf8').trim());
    if (seed?.length !== 32) throw new NodeConfigError(`${path} does not hold a base64url Ed25519 seed`);
    return signerFromSeed(seed);
  }
  const signer = await generateSigner(true);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path, `${toBase64url(await exportSeed(signer.privateKey))}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return signer;
}

/**
 * A demo network for `npm start` on a fresh clone: the root key is made in memory, so the
 * demo database is made afresh on each start (its entries would not replay under a new
 * root). The root's seed is printed so that `valise org certify` can be tried against it.
 */
async function startDemo(
  dataDir: string,
): Promise<{ root: NetworkRoot; sqlitePath: string; rootSigner: Signer }> {
  const signer = await generateSigner(true);
  const seed = await exportSeed(signer.privateKey);
  const sqlitePath = join(dataDir, 'demo.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${sqlitePath}${suffix}`, { force: true });
  console.warn(
    [
      'valise: WARNING: no VALISE_ROOT_KEY: starting a DEMO network whose root key lives only in this process.',
      '        Its data is discarded on restart. Never send real cables to it.',
      `        demo root seed (for valise network commands): ${toBase64url(seed)}`,
      `        demo root public key: ${toBase64url(signer.publicKey)}`,
    ].join('\n'),
  );
  seed.fill(0);
  return {
    root: { network: 'demo', key: signer.publicKey, accreditation: DEFAULT_NETWORK_ACCREDITATION },
    sqlitePath,
    rootSigner: signer,
  };
}

async function configuredRoot(env: NodeSettings): Promise<NetworkRoot> {
  const key = fromBase64url(env.VALISE_ROOT_KEY ?? '');
  if (key?.length !== 32)
    throw new NodeConfigError('VALISE_ROOT_KEY must be a base64url Ed25519 public key (32 bytes)');
  const network = env.VALISE_NETWORK ?? '';
  if (!/^[a-z0-9][a-z0-9.-]{0,63}$/.test(network)) {
    throw new NodeConfigError(
      'VALISE_NETWORK must name the network (lowercase letters, digits, dots, dashes)',
    );
  }
  return { network, key, accreditation: accreditationOf(env) };
}

/** How often each process looks for cables overdue for acknowledgement. */
const ESCALATION_MS = 30_000;

/** How often the demo's in-process witnesses cosign (a real witness: `--follow --interval`). */
const DEMO_WITNESS_MS = 2000;

export async function startNode(env: NodeSettings, options: StartNodeOptions): Promise<RunningNode> {
  const dataDir = env.VALISE_DATA_DIR ?? './var';
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new NodeConfigError('PORT must be a port number');
  const checkpointMs = Number(env.VALISE_CHECKPOINT_MS ?? 2000);
  if (!Number.isInteger(checkpointMs) || checkpointMs < 100 || checkpointMs > 60_000) {
    throw new NodeConfigError('VALISE_CHECKPOINT_MS must be a number of milliseconds from 100 to 60000');
  }
  const quorum = Number(env.VALISE_WITNESS_QUORUM ?? 1);
  if (!Number.isInteger(quorum) || quorum < 0 || quorum > 1000) {
    throw new NodeConfigError('VALISE_WITNESS_QUORUM must be a whole number of witnesses from 0 to 1000');
  }
  const limits = attachmentLimits(env);
  const { root, sqlitePath, rootSigner } = env.VALISE_ROOT_KEY
    ? { root: await configuredRoot(env), sqlitePath: join(dataDir, 'valise.db'), rootSigner: undefined }
    : await startDemo(dataDir);
  const store: Store = await openStore(env, sqlitePath, options.onFatal);
  const clock = new SystemClock();
  let checkpointer: Checkpointer | undefined;
  let witnesses: DemoWitnesses | undefined;
  let sweeper: { stop(): void } | undefined;
  let escalation: { stop(): void } | undefined;
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let bodyParser: BodyParser | undefined;
  // Whatever fails after the store is open closes what was opened: `valise serve` reports
  // the failure and its process must not be kept alive by a half-started node.
  const close = async () => {
    witnesses?.stop();
    checkpointer?.stop();
    sweeper?.stop();
    escalation?.stop();
    await app?.close();
    await bodyParser?.close();
    await store.close();
  };
  try {
    // Request signatures must name this origin's host; by default, the address the node listens on.
    const origin = env.VALISE_ORIGIN ?? `http://${defaultHost(env.HOST)}:${port}`;
    const demo = rootSigner
      ? await setUpWitnessedDemoNetwork({
          store,
          root,
          rootSigner,
          origin,
          now: Math.floor(Date.now() / 1000),
        })
      : { links: [], witnesses: [] as DemoWitnessKey[] };
    const demoLinks = demo.links;
    checkpointer = new Checkpointer({
      log: store.log,
      network: root.network,
      key: await serverKey(dataDir, 'log-key'),
      clock,
      quorum,
      onError: (error) =>
        console.error(`valise: the audit log could not sign a checkpoint: ${String(error)}`),
    });
    checkpointer.start(new IntervalTimer(), checkpointMs);
    if (demo.witnesses.length > 0) {
      // Demo only: the demo's registry devices witness in this process (demo-witnesses.ts).
      witnesses = new DemoWitnesses({
        log: store.log,
        checkpointer,
        network: root.network,
        witnesses: demo.witnesses,
        clock,
        onError: (message) => console.error(`valise: ${message}`),
      });
      witnesses.start(new IntervalTimer(), DEMO_WITNESS_MS);
    }
    // A body with a bytes section goes off the event loop where SQLite writes on it; with
    // PostgreSQL, reading it here costs the machine less (body-parser.ts).
    bodyParser = await startBodyParser({ bytesSection: !env.DATABASE_URL });
    app = await buildApp({
      store,
      bodyParser,
      root,
      serverSigner: await serverKey(dataDir),
      clock,
      checkpointer,
      limits,
      logger: { level: env.LOG_LEVEL ?? 'info' },
      web: {
        origin,
        requireAal3: env.VALISE_REQUIRE_AAL3 === '1',
        // Only the throw-away demo network lets an officer's link carry an organisation key.
        demo: rootSigner !== undefined,
        appDir: env.VALISE_WEB_DIR ?? fileURLToPath(new URL('../../dist/web', import.meta.url)),
      },
    });
    // docs/design.md §7: unlinked attachments past their grace period are removed hourly.
    const sweepContext = { store, clock, limits: { ...DEFAULT_LIMITS, ...limits } };
    sweeper = new IntervalTimer().repeat(3_600_000, () => {
      sweepAttachments(sweepContext).catch((error) =>
        console.error(`valise: the attachment sweep failed: ${String(error)}`),
      );
    });
    // docs/design.md §2: every process looks for overdue cables; the store escalates each once.
    escalation = startEscalation(sweepContext, new IntervalTimer(), ESCALATION_MS, (error) =>
      console.error(`valise: the escalation job failed: ${String(error)}`),
    );
    const url = await app.listen({ port, host: env.HOST ?? 'localhost' });
    app.log.info(
      { routes: app.apiRoutes(), logKey: checkpointer.verifierKey },
      `serving network ${root.network} (${root.accreditation}); audit log key ${checkpointer.verifierKey}`,
    );
    if (demoLinks.length > 0) console.log(formatDemoLinks(demoLinks));
    return { url, close };
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
}

/** The attachment quotas, grace period and escalation limits from the environment (unset: the defaults). */
function attachmentLimits(env: NodeSettings): Partial<ServerLimits> {
  const read = (name: string, unit: number, max: number): number | undefined => {
    const value = env[name];
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw new NodeConfigError(`${name} must be a whole number from 1 to ${max}`);
    }
    return n * unit;
  };
  const device = read('VALISE_ATTACHMENT_DEVICE_MIB', 1024 * 1024, 1_048_576);
  const org = read('VALISE_ATTACHMENT_ORG_MIB', 1024 * 1024, 1_048_576);
  const grace = read('VALISE_ATTACHMENT_GRACE_HOURS', 3600, 24 * 365);
  let escalation: ServerLimits['escalation'] | undefined;
  try {
    escalation =
      env.VALISE_ESCALATION === undefined ? undefined : parseEscalationLimits(env.VALISE_ESCALATION);
  } catch (error) {
    throw new NodeConfigError((error as Error).message);
  }
  return {
    ...(escalation !== undefined ? { escalation } : {}),
    ...(device !== undefined ? { attachmentDeviceBytes: device } : {}),
    ...(org !== undefined ? { attachmentOrgBytes: org } : {}),
    ...(grace !== undefined ? { attachmentGraceSeconds: grace } : {}),
  };
}

/** The host clients reach a node bound to `host` by: a wildcard address is reached as localhost. */
function defaultHost(host: string | undefined): string {
  if (host === undefined || host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
