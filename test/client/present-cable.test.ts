/**
 * client/present-cable: the one presentation of an opened cable that the CLI prints and the
 * web app renders: banner, reference, date-time group, precedence, from and to, and who
 * signed from which device, as certified.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bannerText, presentCable } from '../../src/client/present-cable.ts';
import { openCable } from '../../src/core/cable/open-cable.ts';
import { sealCable } from '../../src/core/cable/seal-cable.ts';
import { openDirectory } from '../../src/core/identity/directory.ts';
import { T0, testNetwork } from './test-network.ts';

async function opened() {
  const net = await testNetwork();
  await net.addOrg('DE');
  await net.addOrg('FR');
  await net.addUser('DE', 'de.anna', { groups: ['COEST'], name: 'Anna Schmidt' });
  const anna = await net.addDevice('DE', 'de.anna', 'laptop');
  await net.addUser('FR', 'fr.paul', { groups: ['COEST'] });
  const paul = await net.addDevice('FR', 'fr.paul');
  const directory = await openDirectory(net.root, net.entries);
  const sealed = await sealCable({
    draft: {
      classification: 'RESTREINT UE',
      markings: ['EU ONLY'],
      precedence: 'FLASH',
      distribution: [
        { org: 'FR', role: 'action' },
        { org: 'DE', role: 'info' },
      ],
      groups: ['COEST'],
      replyTo: 'FR/7/26',
      sentAt: T0,
    },
    content: { subject: 'Pipeline', tags: ['energy'], body: 'The text.' },
    sender: { user: anna.user, device: anna.device, signer: anna.signer },
    directory,
    series: { serial: 1 },
  });
  const cable = await openCable(sealed, {
    directory,
    recipient: { device: paul.device, privateKey: paul.kemPrivateKey },
  });
  return { cable, anna };
}

describe('presentCable', () => {
  test('shows the banner, reference, DTG, precedence, from, addressees and signer as the sealed header says', async () => {
    const { cable, anna } = await opened();
    const shown = presentCable({ reference: 'DE/1/26', cable });
    assert.equal(shown.banner, 'RESTREINT UE · EU ONLY');
    assert.equal(shown.reference, 'DE/1/26');
    assert.match(shown.dtg, /^\d{6}Z [A-Z]{3} \d{2}$/);
    assert.equal(shown.precedence, 'FLASH');
    assert.equal(shown.from, 'DE');
    // Addressees in the header's canonical order (by organisation).
    assert.equal(shown.addressees, 'DE (info), FR (action)');
    assert.deepEqual(shown.groups, ['COEST']);
    assert.equal(shown.replyTo, 'FR/7/26');
    assert.equal(shown.subject, 'Pipeline');
    assert.deepEqual(shown.signedBy, {
      org: 'DE',
      orgName: cable.signedBy.org.name,
      user: 'de.anna',
      name: 'Anna Schmidt',
      device: anna.device,
      label: 'laptop',
    });
    assert.equal(
      shown.signature,
      `Anna Schmidt (de.anna) of DE, device “laptop” (${anna.device}), certified by ${cable.signedBy.org.name} (DE)`,
    );
  });

  test('a cable without markings or reply-to shows neither', async () => {
    const { cable } = await opened();
    const { replyTo: _replyTo, ...header } = cable.header;
    const shown = presentCable({
      reference: 'DE/1/26',
      cable: { ...cable, header: { ...header, markings: [] } },
    });
    assert.equal(shown.banner, 'RESTREINT UE');
    assert.equal('replyTo' in shown, false);
    assert.equal(bannerText('UNCLASSIFIED', []), 'UNCLASSIFIED');
  });
});
