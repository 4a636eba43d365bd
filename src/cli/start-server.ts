/**
 * What `valise serve` runs: the server node (src/server/start-node.ts) in this process,
 * imported only when asked so that no other verb loads the server. The node reads its
 * settings from the environment it is given (PORT, DATABASE_URL, VALISE_ROOT_KEY, ...).
 * Like `npm start`, this process then belongs to the node: SIGINT or SIGTERM closes it, and
 * a write the disk could not make durable stops the process (docs/design.md §7, fail-stop).
 */
import { CliError } from './cli-error.ts';

export async function startServer(
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ readonly url: string }> {
  let node: typeof import('../server/start-node.ts');
  try {
    node = await import('../server/start-node.ts');
  } catch (cause) {
    throw new CliError(
      'SERVER_UNAVAILABLE',
      `the server cannot be loaded (${cause instanceof Error ? cause.message : String(cause)}); reinstall valise`,
      { cause },
    );
  }
  const running = await node.startNode(env, {
    onFatal: (error) => {
      process.stderr.write(`${node.fatalWriteMessage(error)}\n`);
      process.exit(node.EXIT_FATAL_WRITE);
    },
  });
  const stop = () => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { url: running.url };
}
