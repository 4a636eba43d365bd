/**
 * `valise audit verify`: rebuild the whole audit log and check every stored checkpoint and
 * cosignature (docs/design.md §8), reporting the first bad entry. Through the API with an officer's
 * or the network authority's profile, or, for an operator, straight from the database with
 * `--database` (the network root and log key then come from the profile, or the options),
 * opened read-only: the audit never migrates or writes to the database it audits.
 */
import { existsSync } from 'node:fs';
import { ClientError } from '../../client/client-error.ts';
import { verifyAuditLog } from '../../client/verify-audit-log.ts';
import { toBase64url } from '../../core/encoding/bytes.ts';
import type { NetworkRoot } from '../../core/identity/directory.ts';
import { parseVerifierKey } from '../../core/log/checkpoint/verifier-key.ts';
import type { AuditReport } from '../../core/log/log-auditor.ts';
import { nodeHasher } from '../../server/log/node-hasher.ts';
import type { Store } from '../../server/store/store.ts';
import { StoreError } from '../../server/store/store-error.ts';
import type { CliEnvironment } from '../cli-environment.ts';
import { CliError } from '../cli-error.ts';
import { text } from '../option-values.ts';
import { deviceSession, keyStore } from '../profile.ts';
import { progressBar } from '../progress-bar.ts';
import type { Verb, VerbOutput } from '../verb.ts';

export const auditVerifyVerb: Verb = {
  name: 'audit verify',
  summary:
    'rebuild the whole audit log and check every checkpoint and cosignature; report the first bad entry',
  synopsis: '[--database <path|postgres-url>] [--log-key <key>]',
  help: [
    'Without --database: through the API, as a security officer or the network authority.',
    '--database <path|url>  read the store directly (an operator): a SQLite file or a PostgreSQL URL',
    '--log-key <key>        the log verifier key (GET /api/v1/log), if the profile pins none',
    'The network root is the one the profile pins (or holds, for the network authority).',
    'A progress bar is drawn on a terminal for large logs. Exit code 0 only if all checks pass.',
  ],
  options: { database: { type: 'string' }, 'log-key': { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run({ values, profile }, cli) {
    const hasher = nodeHasher();
    const bar = progressBar(cli, 'log entries');
    const onProgress = (done: number, total: number) => bar.update(done, total);
    const database = text(values, 'database');
    let report: AuditReport;
    try {
      report =
        database === undefined
          ? await verifyAuditLog({ session: await deviceSession(cli, profile), hasher, onProgress })
          : await verifyDatabase(cli, profile, database, text(values, 'log-key'), onProgress);
    } finally {
      bar.finish();
    }
    return describe(report);
  },
};

async function verifyDatabase(
  cli: CliEnvironment,
  profile: string,
  database: string,
  logKeyOption: string | undefined,
  onProgress: (done: number, total: number) => void,
): Promise<AuditReport> {
  const store = keyStore(cli, profile);
  const pinned = (await store.loadProfile()).network;
  const root: NetworkRoot | undefined = pinned?.root ?? (await store.loadRootKey())?.root;
  if (!root) {
    throw new CliError(
      'USAGE',
      `profile ${profile} pins no network root; use the profile of a device of this network (--profile)`,
    );
  }
  const logKey = logKeyOption ?? pinned?.log?.key;
  if (!logKey) throw new CliError('USAGE', '--log-key is required: the profile pins no audit-log key');
  try {
    parseVerifierKey(logKey);
  } catch (cause) {
    throw new CliError('USAGE', '--log-key must be the log verifier key served at GET /api/v1/log', {
      cause,
    });
  }
  const postgres = /^postgres(ql)?:\/\//.test(database);
  if (!postgres && !existsSync(database))
    throw new CliError('INPUT_FAILED', `no database file at ${database}`);
  // The store and its database drivers load only here, so no other verb pays for them.
  const [{ openPostgresStore }, { openSqliteStore }, { verifyStore }] = await Promise.all([
    import('../../server/store/open-postgres.ts'),
    import('../../server/store/open-sqlite.ts'),
    import('../../server/log/verify-store.ts'),
  ]);
  const onFatal = (error: unknown) => {
    throw error;
  };
  // An audit reads and never writes: the store is opened read-only and is not migrated.
  let opened: Store;
  try {
    opened = postgres
      ? await openPostgresStore({ connectionString: database, onFatal, poolSize: 2, readOnly: true })
      : await openSqliteStore({ path: database, onFatal, readOnly: true });
  } catch (cause) {
    if (!(cause instanceof StoreError)) throw cause;
    throw new CliError('INPUT_FAILED', `cannot audit ${database}: ${cause.message}`, { cause });
  }
  try {
    return await verifyStore({ store: opened, root, logKey, hasher: nodeHasher(), onProgress });
  } finally {
    await opened.close();
  }
}

function describe(report: AuditReport): VerbOutput {
  if (!report.ok) {
    const { problem } = report;
    const where =
      problem.leaf !== undefined
        ? `first bad entry: leaf ${problem.leaf}`
        : problem.range !== undefined
          ? `first bad entry among leaves ${problem.range[0]}–${problem.range[1] - 1}`
          : problem.checkpoint !== undefined
            ? `at the checkpoint of ${problem.checkpoint} entries`
            : 'in the store';
    throw new ClientError(
      'AUDIT_FAILED',
      `${problem.code} (${where}): ${problem.message}; keep the database as it is and tell the security officers`,
    );
  }
  return {
    json: {
      ok: true,
      leaves: report.leaves,
      checkpoints: report.checkpoints,
      cosignatures: report.cosignatures,
      root: toBase64url(report.root),
    },
    text: [
      `the audit log checks out: ${report.leaves} entries, ${report.checkpoints} signed checkpoints, ${report.cosignatures} cosignatures`,
    ],
  };
}
