/**
 * The demo network of `npm start` without a configured root (docs/design.md §11): the 27 member
 * states, the EEAS, the Council secretariat (CONSIL) and the Commission (COM), each
 * certified by the demo root; a few people in two organisations (DE and FR) with working
 * groups COEST, CONUN, PSC and COREPER; and a one-time enrolment link for each of them.
 *
 * The organisation keys exist only in this process. DEMO ONLY: a security officer's link
 * carries their organisation's key in the URL fragment (which browsers never send to a
 * server), so the officer's browser can certify its own first device (the directory's
 * bootstrap rule) and then approve the others. The app accepts such a link only from a node
 * that says it runs the demo network (`GET /web/config`), and takes the key out of the address
 * bar first. On a real network the organisation's officer makes the key on their own machine
 * (`valise org request`) and the authority certifies only its public half (`valise org certify`).
 */

import { exportSeed, generateSigner, type Signer } from '../core/crypto/ed25519.ts';
import { XWing } from '../core/crypto/hpke/x-wing.ts';
import { sha256 } from '../core/crypto/sha256.ts';
import { randomBytes, toBase64url } from '../core/encoding/bytes.ts';
import { type Role, randomId } from '../core/encoding/identifiers.ts';
import type {
  DeviceCertificate,
  OrgCertificate,
  SignedEntry,
  UserCertificate,
} from '../core/identity/certificate.ts';
import type { Classification } from '../core/identity/classification.ts';
import type { NetworkRoot } from '../core/identity/directory.ts';
import { invitationKeys } from '../core/identity/enrolment-binding.ts';
import { issueCertificate } from '../core/identity/issue-certificate.ts';
import { auditRecord, directoryEntryAudit } from './audit-event.ts';
import { nameDemoPresidency } from './demo-presidency.ts';
import { entryRow } from './directory-cache.ts';
import type { Store } from './store/store.ts';

export const DEMO_ORGS: readonly (readonly [string, string])[] = [
  ['AT', 'Austria, Federal Ministry for European and International Affairs'],
  ['BE', 'Belgium, Federal Public Service Foreign Affairs'],
  ['BG', 'Bulgaria, Ministry of Foreign Affairs'],
  ['CY', 'Cyprus, Ministry of Foreign Affairs'],
  ['CZ', 'Czechia, Ministry of Foreign Affairs'],
  ['DE', 'Germany, Auswärtiges Amt'],
  ['DK', 'Denmark, Ministry of Foreign Affairs'],
  ['EE', 'Estonia, Ministry of Foreign Affairs'],
  ['EL', 'Greece, Ministry of Foreign Affairs'],
  ['ES', 'Spain, Ministerio de Asuntos Exteriores'],
  ['FI', 'Finland, Ministry for Foreign Affairs'],
  ['FR', "France, Ministère de l'Europe et des Affaires étrangères"],
  ['HR', 'Croatia, Ministry of Foreign and European Affairs'],
  ['HU', 'Hungary, Ministry of Foreign Affairs and Trade'],
  ['IE', 'Ireland, Department of Foreign Affairs'],
  ['IT', 'Italy, Ministero degli Affari Esteri'],
  ['LT', 'Lithuania, Ministry of Foreign Affairs'],
  ['LU', 'Luxembourg, Ministry of Foreign and European Affairs'],
  ['LV', 'Latvia, Ministry of Foreign Affairs'],
  ['MT', 'Malta, Ministry for Foreign Affairs'],
  ['NL', 'Netherlands, Ministry of Foreign Affairs'],
  ['PL', 'Poland, Ministry of Foreign Affairs'],
  ['PT', 'Portugal, Ministry of Foreign Affairs'],
  ['RO', 'Romania, Ministry of Foreign Affairs'],
  ['SE', 'Sweden, Ministry for Foreign Affairs'],
  ['SI', 'Slovenia, Ministry of Foreign and European Affairs'],
  ['SK', 'Slovakia, Ministry of Foreign and European Affairs'],
  ['EEAS', 'European External Action Service'],
  ['CONSIL', 'General Secretariat of the Council'],
  ['COM', 'European Commission'],
];

export const DEMO_GROUPS = ['COEST', 'CONUN', 'COREPER', 'PSC'] as const;

export interface DemoPerson {
  readonly user: string;
  readonly name: string;
  readonly org: string;
  readonly role: Role;
  readonly clearance: Classification;
  readonly groups: readonly string[];
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  {
    user: 'de.officer',
    name: 'Klaus Weber',
    org: 'DE',
    role: 'security-officer',
    clearance: 'RESTREINT UE',
    groups: [],
  },
  {
    user: 'de.anna',
    name: 'Anna Schmidt',
    org: 'DE',
    role: 'member',
    clearance: 'RESTREINT UE',
    groups: ['COEST', 'COREPER', 'PSC'],
  },
  {
    user: 'fr.officer',
    name: 'Sophie Martin',
    org: 'FR',
    role: 'security-officer',
    clearance: 'RESTREINT UE',
    groups: [],
  },
  {
    user: 'fr.claire',
    name: 'Claire Dubois',
    org: 'FR',
    role: 'member',
    clearance: 'RESTREINT UE',
    groups: ['COEST', 'CONUN'],
  },
  {
    user: 'fr.dan',
    name: 'Dan Moreau',
    org: 'FR',
    role: 'member',
    clearance: 'UNCLASSIFIED',
    groups: ['COEST'],
  },
];

export interface DemoLink {
  readonly person: DemoPerson;
  readonly url: string;
}

export interface DemoNetworkRequest {
  readonly store: Store;
  readonly root: NetworkRoot;
  readonly rootSigner: Signer;
  /** Where the app is served; the links point there. */
  readonly origin: string;
  /** Unix seconds. */
  readonly now: number;
  /** How long the links stay valid (default one day). */
  readonly validFor?: number;
  /** The people to invite (default DEMO_PEOPLE); a test may add some of other organisations. */
  readonly people?: readonly DemoPerson[];
}

/** Writes the demo directory and invitations to an empty store; returns the enrolment links. */
export async function setUpDemoNetwork(request: DemoNetworkRequest): Promise<DemoLink[]> {
  return (await writeDemoNetwork(request, false)).links;
}

/**
 * The demo network with a registry device for each organisation that has people (DE, FR),
 * whose keys stay in this process to witness the log (demo-witnesses.ts). Demo only, like
 * the organisation keys: a real organisation's registry device witnesses from its own machine
 * (`valise audit witness --follow`).
 */
export async function setUpWitnessedDemoNetwork(
  request: DemoNetworkRequest,
): Promise<{ readonly links: DemoLink[]; readonly witnesses: DemoWitnessKey[] }> {
  return writeDemoNetwork(request, true);
}

/** A demo registry device's identity and signing key. */
export interface DemoWitnessKey {
  readonly org: string;
  readonly device: string;
  readonly signer: Signer & { readonly privateKey: CryptoKey };
}

async function writeDemoNetwork(
  request: DemoNetworkRequest,
  registries: boolean,
): Promise<{ links: DemoLink[]; witnesses: DemoWitnessKey[] }> {
  const { store, root, rootSigner, now } = request;
  const people = request.people ?? DEMO_PEOPLE;
  const entries: SignedEntry[] = [];
  const orgKeys = new Map<string, Signer & { privateKey: CryptoKey }>();
  for (const [org, name] of DEMO_ORGS) {
    const key = await generateSigner(true);
    orgKeys.set(org, key);
    const cert: OrgCertificate = {
      v: 1,
      kind: 'org',
      network: root.network,
      org,
      name,
      accreditation: root.accreditation,
      key: key.publicKey,
      issuedAt: now,
    };
    entries.push(await issueCertificate(cert, rootSigner));
  }
  const orgKeyOf = (org: string) => {
    const key = orgKeys.get(org);
    if (!key) throw new RangeError(`demo person of ${org}, which is not a demo organisation`);
    return key;
  };
  for (const person of people) {
    const cert: UserCertificate = {
      v: 1,
      kind: 'user',
      org: person.org,
      user: person.user,
      name: person.name,
      clearance: person.clearance,
      role: person.role,
      groups: [...person.groups].sort(),
      issuedAt: now,
    };
    entries.push(await issueCertificate(cert, orgKeyOf(person.org)));
  }
  const witnesses: DemoWitnessKey[] = [];
  const orgsWithPeople = [...new Set(people.map((p) => p.org))];
  for (const org of registries ? orgsWithPeople : []) {
    const user: UserCertificate = {
      v: 1,
      kind: 'user',
      org,
      user: `${org.toLowerCase()}.registry`,
      name: `${org} registry (demo witness)`,
      clearance: 'UNCLASSIFIED',
      role: 'registry',
      groups: [],
      issuedAt: now,
    };
    entries.push(await issueCertificate(user, orgKeyOf(org)));
    const signer = await generateSigner(false);
    const device: DeviceCertificate = {
      v: 1,
      kind: 'device',
      org,
      user: user.user,
      device: randomId(),
      label: 'demo witness',
      signingKey: signer.publicKey,
      kemKey: (await XWing.generateKeyPair()).publicKey,
      issuedAt: now,
      expiresAt: now + 365 * 86_400,
    };
    entries.push(await issueCertificate(device, orgKeyOf(org)));
    witnesses.push({ org, device: device.device, signer });
  }
  for (const [index, entry] of entries.entries()) {
    const row = entryRow(index, entry);
    const audit = directoryEntryAudit({ at: now, actor: {}, row, action: 'issued' });
    if (!(await store.appendDirectoryEntry(row, now, audit))) {
      throw new Error('the demo network needs an empty store');
    }
  }
  await nameDemoPresidency(store, root, rootSigner, now);
  const links: DemoLink[] = [];
  for (const person of people) {
    const id = randomId();
    const secret = randomBytes(32);
    await store.createInvitation(
      {
        id,
        org: person.org,
        user: person.user,
        // Only the redeem half's hash, as an officer's device registers it (docs/design.md §5).
        secretHash: sha256(invitationKeys(secret).redeem),
        expiresAt: now + (request.validFor ?? 24 * 3600),
        createdAt: now,
        createdBy: 'demo',
        usedAt: undefined,
      },
      auditRecord({
        at: now,
        type: 'invitation.created',
        actor: {},
        object: { kind: 'invitation', id, org: person.org },
        detail: { user: person.user, expiresAt: now + (request.validFor ?? 24 * 3600) },
      }),
    );
    let url = `${request.origin}/#/enrol/${id}.${toBase64url(secret)}`;
    if (person.role === 'security-officer') {
      url += `/org-key/${toBase64url(await exportSeed(orgKeyOf(person.org).privateKey))}`;
    }
    links.push({ person, url });
  }
  return { links, witnesses };
}

/** The links as printed by `npm start`. */
export function formatDemoLinks(links: readonly DemoLink[]): string {
  const lines = [
    'valise: demo enrolment links (one-time; open each in its own browser profile, officers first):',
  ];
  for (const { person, url } of links) {
    const what =
      person.role === 'security-officer'
        ? 'security officer; DEMO ONLY: the link carries the org key'
        : person.clearance;
    lines.push(`  ${person.org.padEnd(3)} ${person.name} (${person.user}, ${what})`, `      ${url}`);
  }
  return lines.join('\n');
}
