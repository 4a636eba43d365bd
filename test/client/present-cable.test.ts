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
import { issueCertificate } from '../../src/core/identity/issue-certificate.ts';
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
  return { cable, anna, paul, net };
}

/** The directory after `net`'s entries plus a revocation of `device`, issued at `issuedAt`. */
async function withRevocation(
  net: Awaited<ReturnType<typeof testNetwork>>,
  org: string,
  device: string,
  issuedAt: number,
) {
  const revocation = await issueCertificate(
    { v: 1, kind: 'revocation', org, subject: 'device', id: device, reason: 'stolen', issuedAt },
    net.orgKeys.get(org)!,
  );
  return openDirectory(net.root, [...net.entries, revocation]);
}

describe('presentCable', () => {
  test('warns when the sending device was revoked before the cable was sent', async () => {
    const { cable, anna, net } = await opened();
    // Not in the cable's epoch, but issued before its date-time group: a stale sender.
    const directory = await withRevocation(net, 'DE', anna.device, T0 - 60);
    const shown = presentCable({ reference: 'DE/1/26', cable, directory });
    assert.deepEqual(
      shown.warnings.map((w) => [w.code, w.device]),
      [['SENDER_REVOKED_BEFORE', anna.device]],
    );
    // Revoked after it was sent: the cable stands, nothing to warn about.
    const later = await withRevocation(net, 'DE', anna.device, T0 + 60);
    assert.deepEqual(presentCable({ reference: 'DE/1/26', cable, directory: later }).warnings, []);
    assert.deepEqual(
      presentCable({ reference: 'DE/1/26', cable, directory: await openDirectory(net.root, net.entries) })
        .warnings,
      [],
    );
  });

  test('warns when a recipient device was revoked before the cable was sent', async () => {
    const { cable, paul, net } = await opened();
    const directory = await withRevocation(net, 'FR', paul.device, T0);
    const shown = presentCable({ reference: 'DE/1/26', cable, directory });
    assert.deepEqual(
      shown.warnings.map((w) => w.code),
      ['RECIPIENT_REVOKED_BEFORE'],
    );
    assert.match(shown.warnings[0]!.message, /revoked before this cable was sent/);
  });

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
