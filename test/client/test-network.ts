/**
 * A real network for client tests: root, organisations, users and devices, every
 * certificate genuinely signed, every device with real Ed25519 and X-Wing keys. Built per
 * test (no shared state), with a fixed clock.
 */

import type { ExportableSigner } from '../../src/client/key-store.ts';
import { makeDeviceKeys } from '../../src/client/make-device-keys.ts';
import type { EnrolledDevice } from '../../src/client/open-session.ts';
import { userCertificateFor } from '../../src/client/org-key.ts';
import { generateSigner } from '../../src/core/crypto/ed25519.ts';
import type { Role } from '../../src/core/encoding/identifiers.ts';
import type { SignedEntry } from '../../src/core/identity/certificate.ts';
import type { Classification } from '../../src/core/identity/classification.ts';
import type { NetworkRoot } from '../../src/core/identity/directory.ts';
import { issueCertificate } from '../../src/core/identity/issue-certificate.ts';

/** 2026-09-30T12:00:00Z */
export const T0 = 1_790_769_600;

export interface TestNetwork {
  readonly root: NetworkRoot;
  readonly rootSigner: ExportableSigner;
  readonly orgKeys: Map<string, ExportableSigner>;
  readonly entries: SignedEntry[];
  addOrg(org: string, accreditation?: Classification): Promise<ExportableSigner>;
  addUser(
    org: string,
    user: string,
    options?: { clearance?: Classification; groups?: string[]; role?: Role; name?: string },
  ): Promise<void>;
  addDevice(org: string, user: string, label?: string): Promise<EnrolledDevice>;
}

export async function testNetwork(
  network = 'test',
  accreditation: Classification = 'RESTREINT UE',
): Promise<TestNetwork> {
  const rootSigner = await generateSigner(true);
  const root: NetworkRoot = { network, key: rootSigner.publicKey, accreditation };
  const orgKeys = new Map<string, ExportableSigner>();
  const entries: SignedEntry[] = [];
  const orgKey = (org: string) => {
    const key = orgKeys.get(org);
    if (!key) throw new Error(`no org ${org} in the test network`);
    return key;
  };
  return {
    root,
    rootSigner,
    orgKeys,
    entries,
    async addOrg(org, level = accreditation) {
      const key = await generateSigner(true);
      orgKeys.set(org, key);
      entries.push(
        await issueCertificate(
          {
            v: 1,
            kind: 'org',
            network,
            org,
            name: `Organisation ${org}`,
            accreditation: level,
            key: key.publicKey,
            issuedAt: T0,
          },
          rootSigner,
        ),
      );
      return key;
    },
    async addUser(org, user, options = {}) {
      const cert = userCertificateFor(
        org,
        {
          user,
          name: options.name ?? `Person ${user}`,
          clearance: options.clearance ?? 'RESTREINT UE',
          role: options.role ?? 'member',
          groups: options.groups ?? [],
        },
        T0,
      );
      entries.push(await issueCertificate(cert, orgKey(org)));
    },
    async addDevice(org, user, label = 'laptop') {
      const keys = await makeDeviceKeys(label);
      entries.push(
        await issueCertificate(
          {
            v: 1,
            kind: 'device',
            org,
            user,
            device: keys.device,
            label,
            signingKey: keys.signer.publicKey,
            kemKey: keys.kemPublicKey,
            issuedAt: T0,
            expiresAt: T0 + 365 * 86_400,
          },
          orgKey(org),
        ),
      );
      return { ...keys, user, org };
    },
  };
}
