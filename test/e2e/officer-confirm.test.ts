/**
 * The two-person rule on the officer's page, in Chromium (docs/design.md §5, "Officer acts"):
 * DE's second officer works from the command line (founded with the organisation key, which
 * the demo's officer link carries); their act is held, and the browser officer sees it under
 * "Waiting for your confirmation" with who asked and what, confirms it with a passkey touch
 * (the act takes effect), and refuses another with a reason (nothing of it is applied).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { generateSigner, signerFromSeed } from '../../src/core/crypto/ed25519.ts';
import { XWing } from '../../src/core/crypto/hpke/x-wing.ts';
import { fromBase64url } from '../../src/core/encoding/bytes.ts';
import type { DeviceCertificate, UserCertificate } from '../../src/core/identity/certificate.ts';
import { issueCertificate } from '../../src/core/identity/issue-certificate.ts';
import { randomId, type TestDevice } from '../server/fixtures/network.ts';
import { httpTransport, TestApi } from '../server/fixtures/test-api.ts';
import { browserSkipReason, launchChromium } from './chromium.ts';
import { startWebNode, type WebNode } from './fixtures/web-node.ts';
import { enrol, newPerson, type Person, signIn } from './fixtures/web-person.ts';

const skip = browserSkipReason();
const SHOTS = process.env.VALISE_SCREENSHOTS;

describe("a second officer's confirmation on the officer page", {
  skip: skip ?? false,
  timeout: 240_000,
}, () => {
  let node: WebNode;
  let browser: Browser;
  let officer: Person;
  let api: TestApi;
  let cli: TestDevice;
  let orgKey: Awaited<ReturnType<typeof signerFromSeed>>;
  /** How far the node's clock was moved on: the command-line device signs with the node's time. */
  let skew = 0;

  const user = (id: string, name: string, role: UserCertificate['role']): UserCertificate => ({
    v: 1,
    kind: 'user',
    org: 'DE',
    user: id,
    name,
    clearance: 'RESTREINT UE',
    role,
    groups: role === 'member' ? ['COEST'] : [],
    issuedAt: Math.floor(Date.now() / 1000),
  });

  /** The command-line officer posts a user certificate: held, its id. */
  const heldUser = async (id: string, name: string): Promise<string> => {
    const entry = await issueCertificate(user(id, name, 'member'), orgKey);
    const held = await api.post('/api/v1/directory', { entry }, { as: cli });
    assert.equal(held.status, 202, held.text);
    return held.json.held.id as string;
  };

  const directoryUser = async (id: string) => {
    const served = await api.get('/api/v1/directory', { as: cli });
    return (served.json.entries as { body: { kind: string; user?: string } }[]).find(
      (e) => e.body.kind === 'user' && e.body.user === id,
    );
  };

  before(async () => {
    node = await startWebNode();
    browser = await launchChromium();
    officer = await newPerson(browser);
    const link = node.links.get('de.officer')!;
    await enrol(officer, link);
    await signIn(officer, node.origin);
    // DEMO ONLY: the officer's link carries DE's key; with it, the founding day's second officer.
    orgKey = await signerFromSeed(fromBase64url(/\/org-key\/([^/]+)/.exec(link)![1]!)!);
    api = new TestApi(httpTransport(node.origin), { now: () => Date.now() + skew });
    const second = user('de.officer.2', 'Grete Lang', 'security-officer');
    const certified = await api.post('/api/v1/directory', { entry: await issueCertificate(second, orgKey) });
    assert.equal(certified.status, 201, certified.text);
    const signer = await generateSigner(true);
    const kem = await XWing.generateKeyPair({ extractable: true });
    const now = Math.floor(Date.now() / 1000);
    const cert: DeviceCertificate = {
      v: 1,
      kind: 'device',
      org: 'DE',
      user: second.user,
      device: randomId(),
      label: 'command line',
      signingKey: signer.publicKey,
      kemKey: kem.publicKey,
      issuedAt: now,
      expiresAt: now + 30 * 86_400,
    };
    const founded = await api.post('/api/v1/directory', { entry: await issueCertificate(cert, orgKey) });
    assert.equal(founded.status, 201, founded.text);
    cli = {
      name: 'de.officer.2',
      id: cert.device,
      org: 'DE',
      user: second.user,
      signer,
      kemPublicKey: kem.publicKey,
      kemPrivateKey: kem.privateKey,
      cert,
    };
  });
  after(async () => {
    await officer?.context.close();
    await browser?.close();
    await node?.stop();
  });

  /** The officer's page at desktop and phone widths, when screenshots are asked for. */
  const screenshots = async (name: string, options: { fullPage?: boolean } = {}) => {
    if (!SHOTS) return;
    for (const [size, width] of [
      ['wide', 1280],
      ['narrow', 390],
    ] as const) {
      await officer.page.setViewportSize({ width, height: 900 });
      await officer.page.screenshot({ path: `${SHOTS}/${name}-${size}.png`, ...options });
    }
    await officer.page.setViewportSize({ width: 1280, height: 900 });
  };

  test('the browser officer sees the held act, who asked and what, and confirms it with a passkey touch', async () => {
    await heldUser('de.paul', 'Paul Neumann');
    assert.equal(await directoryUser('de.paul'), undefined, 'held: not in the directory');
    await officer.page.goto(`${node.origin}/#/officer`);
    await officer.page.reload();
    const row = officer.page.locator('[data-testid="held-act"][data-act="user"]');
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    assert.match(
      text,
      /Grete Lang \(de\.officer\.2\) asks to add Paul Neumann \(de\.paul\): member, cleared RESTREINT UE, COEST/,
    );
    await screenshots('officer-held-acts', { fullPage: true });
    // Past the step-up window of the sign-in: confirming asks for a fresh passkey touch.
    await node.advance(3 * 60_000);
    skew += 3 * 60_000;
    const stepUps = async () => {
      const listed = await api.get('/api/v1/audit/events?type=session.stepped-up&limit=1000', { as: cli });
      assert.equal(listed.status, 200, listed.text);
      return (listed.json.items as unknown[]).length;
    };
    const before = await stepUps();
    await row.getByTestId('held-act-confirm').click();
    await officer.page.getByTestId('officer-message').filter({ hasText: 'Confirm' }).waitFor();
    const message = (await officer.page.getByTestId('officer-message').textContent()) ?? '';
    assert.match(message, /done/, message);
    assert.equal(await stepUps(), before + 1, 'the confirmation took a passkey touch');
    assert.ok(await directoryUser('de.paul'), 'confirmed: in the directory');
    // Paul is a person of the organisation now, with no device until he enrols one.
    const paul = officer.page.locator('tr', { hasText: 'Paul Neumann (de.paul)' });
    await paul.getByTestId('no-device').waitFor();
    assert.equal(await officer.page.locator('[data-testid="held-act"]').count(), 0);
  });

  test('a refused act applies nothing', async () => {
    await heldUser('de.ghost', 'Nobody Known');
    await officer.page.reload();
    const row = officer.page.locator('[data-testid="held-act"][data-act="user"]');
    await row.waitFor();
    await row.getByTestId('held-act-refuse').click();
    assert.equal(await row.getByTestId('held-act-refuse-button').isDisabled(), true, 'a reason first');
    await row.getByTestId('held-act-reason').fill('no such person at the ministry');
    await row.getByTestId('held-act-refuse-button').click();
    await officer.page.getByTestId('officer-message').filter({ hasText: 'Refuse' }).waitFor();
    assert.match((await officer.page.getByTestId('officer-message').textContent()) ?? '', /done/);
    assert.equal(await directoryUser('de.ghost'), undefined);
    assert.equal(await officer.page.locator('[data-testid="held-act"]').count(), 0);
    await screenshots('officer-act-refused');
  });
});
