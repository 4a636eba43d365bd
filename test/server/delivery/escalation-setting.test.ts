/**
 * The network's escalation limits are a node setting (VALISE_ESCALATION): a node refuses to
 * start on one it cannot read, naming it, before it opens its store.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NodeConfigError } from '../../../src/server/node-config-error.ts';
import { startNode } from '../../../src/server/start-node.ts';

test('a node refuses to start on an escalation setting it cannot read, and says how to write it', async () => {
  for (const value of ['FLASH=soon', 'ROUTINE=1h', 'FLASH=0m', 'PRIORITY=40wd']) {
    await assert.rejects(
      startNode(
        { VALISE_ESCALATION: value, PORT: '0', VALISE_DATA_DIR: '/nonexistent/valise-never-made' },
        { onFatal: () => assert.fail('no store is opened') },
      ),
      (error) => error instanceof NodeConfigError && /^VALISE_ESCALATION: /.test(error.message),
      value,
    );
  }
});
