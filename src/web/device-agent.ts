/**
 * The device, as it runs in the worker (DESIGN §12: sealing and opening never on the main
 * thread). It keeps this browser's keys (IndexedDbKeyStore), signs every request with the
 * device key (src/client's ApiClient, RFC 9421), and runs the SDK's operations: the web app
 * is a thin shell over the same functions the CLI uses. State lives in this one instance.
 */
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { acknowledge } from '../client/acknowledge.ts';
import { ApiClient, type Fetch } from '../client/api-client.ts';
import { approve, listPending } from '../client/approve.ts';
import { auditEvents, type ProvenEvent } from '../client/audit-events.ts';
import { ClientError } from '../client/client-error.ts';
import type { Clock } from '../client/clock.ts';
import { parseInvitationCode } from '../client/invitation-code.ts';
import { invite } from '../client/invite.ts';
import type { ExportableSigner } from '../client/key-store.ts';
import { listAcks } from '../client/list-acks.ts';
import { listDevices } from '../client/list-devices.ts';
import { type DeviceSession, openSession } from '../client/open-session.ts';
import { requireOrgKey } from '../client/org-key.ts';
import { pinNetwork } from '../client/pin-network.ts';
import { postEntry } from '../client/post-entry.ts';
import { fetchAttachment } from '../client/read-cable.ts';
import { revoke } from '../client/revoke.ts';
import { sendCable } from '../client/send-cable.ts';
import type { AttachmentDescriptor } from '../core/cable/cable-content.ts';
import { PRECEDENCES, type Precedence } from '../core/cable/precedence.ts';
import { inThreadWrapperFor } from '../core/cable/seal-cable.ts';
import { signerFromSeed } from '../core/crypto/ed25519.ts';
import { valiseSuites } from '../core/crypto/hpke/valise-suites.ts';
import { WEB_CRYPTO_PRIMITIVES } from '../core/crypto/hpke/web-crypto-primitives.ts';
import { fromBase64url, toBase64url } from '../core/encoding/bytes.ts';
import { formatDateTimeGroup } from '../core/encoding/date-time-group.ts';
import type { Decoder } from '../core/encoding/decode.ts';
import type { DeviceCertificate } from '../core/identity/certificate.ts';
import {
  CLASSIFICATIONS,
  type Classification,
  MARKINGS,
  type Marking,
} from '../core/identity/classification.ts';
import { issueCertificate } from '../core/identity/issue-certificate.ts';
import { entitledDevices } from '../core/policy.ts';
import type {
  AckRow,
  AuditRow,
  AuditView,
  CableView,
  DeviceApi,
  DeviceRow,
  DeviceStatus,
  DirectoryView,
  Draft,
  EnrolmentStart,
  FileInput,
  InboxView,
  InvitationView,
  Invitee,
  Me,
  PendingRow,
  RecipientView,
  SearchHit,
} from './device-protocol.ts';
import { LocalDatabase } from './indexed-db.ts';
import { IndexedDbKeyStore } from './indexed-db-key-store.ts';
import { LocalArchive } from './local-archive.ts';
import { LocalCipher, type SealedRecord } from './local-cipher.ts';
import { makeBrowserDeviceKeys } from './make-browser-device-keys.ts';
import { openInboxCable } from './open-inbox-cable.ts';
import { syncInbox } from './sync-inbox.ts';

const DEVICE_VALIDITY_SECONDS = 365 * 24 * 3600;
/** The audit page reads at most this many pages of 1000 events. */
const AUDIT_PAGES = 10;

/** Answers of the web routes: checked to be objects, read field by field by the caller. */
function answer<T>(): Decoder<T> {
  return (value, field) => {
    if (typeof value !== 'object' || value === null) {
      throw new ClientError('BAD_RESPONSE', `${field || 'the answer'} is not an object`);
    }
    return value as T;
  };
}

interface Local {
  readonly db: LocalDatabase;
  readonly cipher: LocalCipher;
  readonly keys: IndexedDbKeyStore;
  readonly archive: LocalArchive;
}

export class DeviceAgent implements DeviceApi {
  readonly #origin: string;
  readonly #fetch: Fetch;
  #local: Promise<Local> | undefined;
  #session: DeviceSession | undefined;
  #skew = 0;
  #invitee: Invitee | undefined;
  #syncedAt = 0;
  /** The attachment descriptors (keys included) of the cables opened this session, by cable id. */
  readonly #attachments = new Map<string, readonly AttachmentDescriptor[]>();
  readonly #clock: Clock = { nowSeconds: () => Math.floor(Date.now() / 1000) + this.#skew };

  constructor(origin: string, fetch: Fetch) {
    this.#origin = origin;
    this.#fetch = fetch;
  }

  /** Learns how far this machine's clock is from the server's: signatures must be fresh by its clock. */
  async syncClock(): Promise<void> {
    const config = await this.#api().request({
      method: 'GET',
      path: '/api/v1/web/config',
      unsigned: true,
      decode: answer<{ now: number }>(),
    });
    if (Number.isSafeInteger(config.now)) this.#skew = config.now - Math.floor(Date.now() / 1000);
  }

  async status(): Promise<DeviceStatus> {
    const profile = await (await this.#open()).keys.loadProfile();
    if (!profile.device || !profile.network) return { enrolled: false };
    return {
      enrolled: true,
      device: profile.device.device,
      label: profile.device.label,
      network: profile.network.root.network,
      ...(profile.device.user ? { user: profile.device.user } : {}),
      ...(profile.device.org ? { org: profile.device.org } : {}),
    };
  }

  async forget(): Promise<void> {
    const local = await this.#open();
    await local.db.clear();
    this.#session = undefined;
    this.#local = undefined;
  }

  async startEnrolment(code: string): Promise<EnrolmentStart> {
    const { invitation, secret } = parseInvitationCode(code);
    await this.syncClock();
    const start = await this.#api().request({
      method: 'POST',
      path: '/api/v1/web/enrolments/options',
      unsigned: true,
      body: { invitation, secret: toBase64url(secret) },
      decode: answer<EnrolmentStart>(),
    });
    this.#invitee = start.invitee;
    return start;
  }

  async finishEnrolment(request: {
    readonly code: string;
    readonly label: string;
    readonly passkey: unknown;
    readonly orgKey?: string;
  }): Promise<{ readonly device: string; readonly status: 'pending' | 'active' }> {
    const { keys } = await this.#open();
    const invitee = this.#invitee;
    if (!invitee) throw new ClientError('NOT_CONFIGURED', 'start the enrolment again from your link');
    const profile = await keys.loadProfile();
    if (profile.device?.org) {
      throw new ClientError(
        'PROFILE_IN_USE',
        `this browser is already enrolled as ${profile.device.user ?? profile.device.device}; use another browser profile`,
      );
    }
    const { invitation, secret } = parseInvitationCode(request.code);
    const api = this.#api();
    const pin = await pinNetwork(api, undefined, profile.network);
    const device = await makeBrowserDeviceKeys(request.label);
    // The keys are kept before the invitation is spent on them.
    await keys.saveProfile({ server: api.server, network: pin.network, device });
    await api.request({
      method: 'POST',
      path: '/api/v1/web/enrolments',
      unsigned: true,
      body: {
        invitation,
        secret: toBase64url(secret),
        device: device.device,
        label: device.label,
        signingKey: toBase64url(device.signer.publicKey),
        kemKey: toBase64url(device.kemPublicKey),
        passkey: request.passkey as never,
      },
      decode: answer<{ device: string }>(),
    });
    if (request.orgKey === undefined) return { device: device.device, status: 'pending' };
    // An officer bringing the organisation key certifies this first device (the directory's bootstrap rule).
    const orgKey = await signerFromSeed(this.#seed(request.orgKey), false);
    const now = this.#clock.nowSeconds();
    const cert: DeviceCertificate = {
      v: 1,
      kind: 'device',
      org: invitee.org,
      user: invitee.user,
      device: device.device,
      label: device.label,
      signingKey: device.signer.publicKey,
      kemKey: device.kemPublicKey,
      issuedAt: now,
      expiresAt: now + DEVICE_VALIDITY_SECONDS,
    };
    await postEntry(api, await issueCertificate(cert, orgKey));
    await keys.saveOrgKey(invitee.org, orgKey);
    return { device: device.device, status: 'active' };
  }

  async startSignIn(): Promise<PublicKeyCredentialRequestOptionsJSON> {
    await this.syncClock();
    try {
      return (
        await (
          await this.#deviceApi()
        ).post(
          '/api/v1/web/sign-in/options',
          {},
          answer<{ options: PublicKeyCredentialRequestOptionsJSON }>(),
        )
      ).options;
    } catch (error) {
      if (error instanceof ClientError && error.code === 'UNKNOWN_KEY') {
        throw new ClientError(
          'DEVICE_NOT_CERTIFIED',
          'this browser is enrolled but not approved yet: ask your security officer to approve it, then sign in',
          { cause: error },
        );
      }
      throw error;
    }
  }

  async finishSignIn(passkey: unknown): Promise<Me> {
    await (await this.#deviceApi()).post('/api/v1/web/sign-in', { passkey: passkey as never }, answer());
    return this.#startSession();
  }

  async resume(): Promise<Me | null> {
    const profile = await (await this.#open()).keys.loadProfile();
    if (!profile.device) return null;
    await this.syncClock();
    try {
      await (await this.#deviceApi()).get('/api/v1/web/session', answer());
    } catch (error) {
      if (
        error instanceof ClientError &&
        error.status !== undefined &&
        error.status >= 400 &&
        error.status < 500
      )
        return null;
      throw error;
    }
    return this.#startSession();
  }

  async startStepUp(): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const { api } = this.#live();
    return (
      await api.post(
        '/api/v1/web/step-up/options',
        {},
        answer<{ options: PublicKeyCredentialRequestOptionsJSON }>(),
      )
    ).options;
  }

  async finishStepUp(passkey: unknown): Promise<void> {
    await this.#live().api.post('/api/v1/web/step-up', { passkey: passkey as never }, answer());
  }

  async signOut(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    this.#attachments.clear();
    if (session) await session.api.post('/api/v1/web/sign-out', {}, answer());
  }

  async inbox(refresh: boolean): Promise<InboxView> {
    const { archive } = await this.#open();
    const snapshot = refresh ? await syncInbox(await this.#fresh(), archive) : await archive.inbox();
    return { items: snapshot.items, syncedAt: snapshot.syncedAt };
  }

  async readCable(id: string): Promise<CableView> {
    const { archive } = await this.#open();
    return openInboxCable(await this.#fresh(), archive, id, (attachments) => {
      this.#attachments.set(id, attachments);
    });
  }

  async attachment(id: string, index: number): Promise<FileInput> {
    const descriptor = this.#attachments.get(id)?.[index];
    if (!descriptor)
      throw new ClientError('INVALID_ARGUMENT', 'open the cable again, then download its attachment');
    const data = await fetchAttachment(this.#live(), id, descriptor);
    return { name: descriptor.name, type: descriptor.type, data };
  }

  async acknowledge(id: string): Promise<void> {
    await acknowledge(this.#live(), id);
    const { archive } = await this.#open();
    const snapshot = await archive.inbox();
    archive.setInbox({
      ...snapshot,
      items: snapshot.items.map((i) => (i.id === id ? { ...i, acknowledged: true } : i)),
    });
  }

  async acks(id: string): Promise<readonly AckRow[]> {
    return (await listAcks(this.#live(), id)).map((a) => ({
      org: a.org,
      role: a.role,
      acknowledged: a.acknowledged,
      ...(a.by === undefined ? {} : { by: typeof a.by === 'string' ? a.by : a.by.user }),
      ...(a.at === undefined ? {} : { at: a.at }),
    }));
  }

  async directory(): Promise<DirectoryView> {
    const { directory } = this.#live();
    const orgs = new Map<string, string>();
    const people = new Map<string, DirectoryView['people'][number]>();
    for (const entry of directory.entries) {
      const body = entry.body;
      if (body.kind === 'org' && directory.org(body.org)) orgs.set(body.org, directory.org(body.org)!.name);
      if (body.kind === 'user') {
        const user = directory.user(body.user);
        if (user)
          people.set(user.user, {
            user: user.user,
            name: user.name,
            org: user.org,
            role: user.role,
            clearance: user.clearance,
            groups: user.groups,
          });
      }
    }
    const groups = new Set([...people.values()].flatMap((p) => p.groups));
    return {
      orgs: [...orgs].map(([org, name]) => ({ org, name })),
      groups: [...groups].sort(),
      people: [...people.values()],
    };
  }

  async recipients(draft: Draft): Promise<readonly RecipientView[]> {
    const { directory, device } = await this.#fresh(0);
    const distribution = distributionOf(draft);
    if (distribution.length === 0) return [];
    const ids = entitledDevices(
      {
        org: device.org,
        sender: { user: device.user, device: device.device },
        classification: classificationOf(draft.classification),
        distribution,
        groups: [...draft.groups].sort(),
        epoch: directory.epoch,
        sentAt: this.#clock.nowSeconds(),
      },
      directory,
    );
    return ids.map((id) => {
      const entry = directory.device(id)!;
      return {
        device: id,
        label: entry.device.label,
        user: entry.user.user,
        name: entry.user.name,
        org: entry.org.org,
      };
    });
  }

  async send(
    draft: Draft,
    files: readonly FileInput[] = [],
  ): Promise<{ readonly id: string; readonly reference: string }> {
    // DESIGN §6: seal for the entitled set of the newest verified directory.
    const session = await this.#fresh(0);
    const subject = draft.subject.trim();
    if (subject.length === 0) throw new ClientError('INVALID_ARGUMENT', 'give the cable a subject');
    const distribution = distributionOf(draft);
    if (distribution.length === 0)
      throw new ClientError('INVALID_ARGUMENT', 'name at least one action or info addressee');
    const replyTo = draft.replyTo.trim();
    const sent = await sendCable({
      session,
      draft: {
        classification: classificationOf(draft.classification),
        markings: draft.markings.filter((m): m is Marking => (MARKINGS as readonly string[]).includes(m)),
        precedence: precedenceOf(draft.precedence),
        distribution,
        groups: [...draft.groups].sort(),
        ...(replyTo ? { replyTo } : {}),
      },
      content: { subject, body: draft.body },
      attachments: files,
      // WebCrypto's ML-KEM where this browser has it, noble's otherwise (DESIGN §4).
      wrapper: inThreadWrapperFor(valiseSuites(WEB_CRYPTO_PRIMITIVES).xwing),
    });
    const { archive } = await this.#open();
    const me = session.directory.device(session.device.device)!;
    await archive.add({
      id: sent.id,
      reference: sent.reference,
      classification: sent.header.classification,
      precedence: sent.header.precedence,
      sentAt: sent.header.sentAt,
      subject,
      tags: [],
      body: draft.body,
      signedBy: {
        org: me.org.org,
        user: me.user.user,
        name: me.user.name,
        device: me.device.device,
        label: me.device.label,
      },
      openedAt: this.#clock.nowSeconds(),
    });
    await this.clearDraft();
    return { id: sent.id, reference: sent.reference };
  }

  async saveDraft(draft: Draft): Promise<void> {
    const { db, cipher } = await this.#open();
    await db.put('blobs', 'draft', await cipher.sealJson('draft', draft));
  }

  async loadDraft(): Promise<Draft | null> {
    const { db, cipher } = await this.#open();
    return (await cipher.openJson<Draft>('draft', await db.get<SealedRecord>('blobs', 'draft'))) ?? null;
  }

  async clearDraft(): Promise<void> {
    await (await this.#open()).db.delete('blobs', 'draft');
  }

  async search(query: string): Promise<readonly SearchHit[]> {
    const index = await (await this.#open()).archive.index();
    return index.search(query, 50);
  }

  async pendingEnrolments(): Promise<readonly PendingRow[]> {
    return (await listPending(this.#live())).map((p) => ({
      device: p.device,
      user: p.user,
      label: p.label,
      createdAt: p.createdAt,
    }));
  }

  async devices(): Promise<readonly DeviceRow[]> {
    return (await listDevices(this.#live())).map((d) => ({
      device: d.device,
      user: d.user,
      label: d.label,
      status: d.status,
    }));
  }

  async approve(device: string): Promise<void> {
    await approve({ session: this.#live(), orgKey: await this.#orgKey(), device });
    await this.#startSession();
  }

  async revoke(target: string, reason: string): Promise<void> {
    await revoke({ session: this.#live(), orgKey: await this.#orgKey(), target, reason });
    await this.#startSession();
  }

  async invite(request: {
    readonly user: string;
    readonly name: string;
    readonly clearance: string;
    readonly role: string;
    readonly groups: readonly string[];
  }): Promise<InvitationView> {
    const role = request.role === 'registry' || request.role === 'security-officer' ? request.role : 'member';
    const made = await invite({
      session: this.#live(),
      orgKey: await this.#orgKey(),
      invitee: {
        user: request.user.trim(),
        name: request.name.trim(),
        clearance: classificationOf(request.clearance),
        role,
        groups: request.groups,
      },
    });
    await this.#startSession();
    return { link: `${this.#origin}/#/enrol/${made.code}`, expiresAt: made.expiresAt, user: made.user.user };
  }

  async auditEvents(filter: { readonly type?: string; readonly org?: string }): Promise<AuditView> {
    const session = this.#live();
    const type = filter.type?.trim();
    const org = filter.org?.trim();
    const items: ProvenEvent[] = [];
    let size = 0;
    let after: number | undefined;
    let pages = 0;
    // In log order, page by page: each page is proven against its own (newer) checkpoint.
    do {
      const page = await auditEvents({
        session,
        limit: 1000,
        ...(after !== undefined ? { after } : {}),
        ...(type ? { type } : {}),
        ...(org ? { org } : {}),
      });
      items.push(...page.items);
      size = page.size;
      after = page.next;
      pages += 1;
    } while (after !== undefined && pages < AUDIT_PAGES);
    return { items: items.reverse().map(auditRow), size, more: after !== undefined };
  }

  async importOrgKey(seed: string): Promise<void> {
    const session = this.#live();
    const signer = await signerFromSeed(this.#seed(seed), false);
    requireOrgKey(session.directory, session.device.org, signer);
    await (await this.#open()).keys.saveOrgKey(session.device.org, signer);
  }

  #seed(text: string): Uint8Array {
    const seed = fromBase64url(text.trim());
    if (seed?.length !== 32)
      throw new ClientError('INVALID_ARGUMENT', 'the organisation key must be 32 bytes, base64url');
    return seed;
  }

  async #orgKey(): Promise<ExportableSigner> {
    const session = this.#live();
    const key = await (await this.#open()).keys.loadOrgKey(session.device.org);
    if (!key) {
      throw new ClientError(
        'NOT_CONFIGURED',
        `this browser holds no organisation key of ${session.device.org}; import it on the officer page first`,
      );
    }
    return key;
  }

  async #startSession(): Promise<Me> {
    const { keys } = await this.#open();
    this.#session = await openSession({ store: keys, fetch: this.#fetch, clock: this.#clock });
    this.#syncedAt = Date.now();
    return this.#me(this.#session);
  }

  /** The live session with its directory synced within `maxAgeMs` (a sync fetches only what is new). */
  async #fresh(maxAgeMs = 5000): Promise<DeviceSession> {
    this.#live();
    if (Date.now() - this.#syncedAt > maxAgeMs || maxAgeMs === 0) await this.#startSession();
    return this.#live();
  }

  async #me(session: DeviceSession): Promise<Me> {
    const entry = session.directory.device(session.device.device)!;
    const { keys } = await this.#open();
    return {
      device: entry.device.device,
      label: entry.device.label,
      user: entry.user.user,
      name: entry.user.name,
      org: entry.org.org,
      orgName: entry.org.name,
      role: entry.user.role,
      clearance: entry.user.clearance,
      groups: entry.user.groups,
      network: session.network.root.network,
      accreditation: session.network.root.accreditation,
      hasOrgKey: (await keys.loadOrgKey(entry.org.org)) !== undefined,
    };
  }

  #live(): DeviceSession {
    if (!this.#session) throw new ClientError('SESSION_REQUIRED', 'sign in with your passkey first');
    return this.#session;
  }

  #api(): ApiClient {
    return new ApiClient({ server: this.#origin, fetch: this.#fetch, clock: this.#clock });
  }

  async #deviceApi(): Promise<ApiClient> {
    const profile = await (await this.#open()).keys.loadProfile();
    if (!profile.device)
      throw new ClientError('NOT_CONFIGURED', 'this browser is not enrolled; open your enrolment link');
    return this.#api().as({ id: profile.device.device, signer: profile.device.signer });
  }

  #open(): Promise<Local> {
    this.#local ??= (async () => {
      const db = await LocalDatabase.open();
      const cipher = await LocalCipher.open(db);
      return { db, cipher, keys: new IndexedDbKeyStore(db, cipher), archive: new LocalArchive(db, cipher) };
    })();
    return this.#local;
  }
}

function classificationOf(value: string): Classification {
  const found = CLASSIFICATIONS.find((c) => c === value);
  if (!found)
    throw new ClientError('INVALID_ARGUMENT', `choose a classification (${CLASSIFICATIONS.join(', ')})`);
  return found;
}

function precedenceOf(value: string): Precedence {
  const found = PRECEDENCES.find((p) => p === value);
  if (!found) throw new ClientError('INVALID_ARGUMENT', `choose a precedence (${PRECEDENCES.join(', ')})`);
  return found;
}

/** Action wins over info for an organisation named in both; sorted by organisation. */
function auditRow({ leaf, event }: ProvenEvent): AuditRow {
  let dtg: string;
  try {
    dtg = formatDateTimeGroup(event.at);
  } catch {
    dtg = new Date(event.at * 1000).toISOString();
  }
  return {
    leaf,
    at: event.at,
    dtg,
    type: event.type,
    actor: { ...event.actor },
    object: { ...event.object },
    detail: JSON.stringify(event.detail),
  };
}

function distributionOf(draft: Draft): { org: string; role: 'action' | 'info' }[] {
  const roles = new Map<string, 'action' | 'info'>();
  for (const org of draft.info) roles.set(org, 'info');
  for (const org of draft.action) roles.set(org, 'action');
  return [...roles].map(([org, role]) => ({ org, role })).sort((a, b) => (a.org < b.org ? -1 : 1));
}
