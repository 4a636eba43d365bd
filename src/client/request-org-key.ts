/**
 * The first security officer's side of certifying an organisation (docs/design.md §5,
 * "Organisation keys"): the organisation key is made here, on the officer's machine, in its
 * own encrypted file (org-key-file.ts), and only a signing request with its public half
 * leaves. Given an existing key file, it makes the request again (for a re-certification).
 */
import { keyFingerprint, type OrgKeyRequest, signOrgKeyRequest } from '../core/identity/org-key-request.ts';
import { ClientError } from './client-error.ts';
import { makeOrgKeyFile, type OrgKeyFileOptions, readOrgKeyFile } from './org-key-file.ts';
import { readPrivateFile } from './private-file.ts';

export interface OrgKeyRequested {
  readonly request: OrgKeyRequest;
  /** Whether the key was made now (else it was read from the file). */
  readonly made: boolean;
  readonly fingerprint: string;
}

export async function requestOrgKey(
  org: string,
  keyFile: string,
  options: OrgKeyFileOptions,
): Promise<OrgKeyRequested> {
  const exists = (await readPrivateFile(keyFile, { uid: options.uid })) !== undefined;
  let signer: Awaited<ReturnType<typeof makeOrgKeyFile>>;
  if (exists) {
    const found = await readOrgKeyFile(keyFile, options);
    if (found.org !== org) {
      throw new ClientError('KEY_FILE_INVALID', `${keyFile} holds the key of ${found.org}, not ${org}`);
    }
    signer = found.signer;
  } else {
    signer = await makeOrgKeyFile(keyFile, org, options);
  }
  const request = await signOrgKeyRequest(org, signer);
  return { request, made: !exists, fingerprint: keyFingerprint(signer.publicKey) };
}
