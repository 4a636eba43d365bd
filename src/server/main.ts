/**
 * The server entry point (`npm start`): the process around startNode (start-node.ts, which
 * lists the settings it reads from the environment). It stops the node on SIGINT or SIGTERM.
 * Exit codes: 70 after a disk error during a write (fail-stop, docs/design.md §7), 78 when
 * the configuration or the store's durability settings are refused, 65 when stored data
 * fails an integrity check (a forged or altered directory row: the log line names it).
 */
import { NodeConfigError } from './node-config-error.ts';
import { EXIT_FATAL_WRITE, fatalWriteMessage, startNode } from './start-node.ts';
import { IntegrityError } from './store/integrity-error.ts';
import { StoreError } from './store/store-error.ts';

const EXIT_CONFIG = 78;
const EXIT_INTEGRITY = 65;

function onFatal(error: unknown): void {
  console.error(fatalWriteMessage(error));
  process.exit(EXIT_FATAL_WRITE);
}

try {
  const node = await startNode(process.env, { onFatal });
  const stop = async () => {
    await node.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  if (error instanceof IntegrityError) {
    const { table, row, check } = error.finding;
    console.error(
      `valise: INTEGRITY FAILURE (${error.code}, ${table} row ${row}, ${check}): ${error.message}`,
    );
    process.exit(EXIT_INTEGRITY);
  }
  if (error instanceof NodeConfigError || (error instanceof StoreError && error.code !== 'FATAL')) {
    console.error(`valise: ${error.message}`);
    process.exit(EXIT_CONFIG);
  }
  console.error('valise: failed to start:', error);
  process.exit(1);
}
