/**
 * Posts one signed directory entry (POST /api/v1/directory). The entry's own signature is
 * its authority (the root's or the organisation's); the request is device-signed when the
 * client has a device, unsigned otherwise (bootstrapping an organisation).
 */

import { ROUTES } from '../core/api/routes.ts';
import { toJsonValue } from '../core/encoding/to-json.ts';
import type { CertificateBody, SignedEntry } from '../core/identity/certificate.ts';
import type { ApiClient } from './api-client.ts';

export interface PostedEntry {
  /** The entry's index in the directory; the epoch after it is index + 1. */
  readonly index: number;
  readonly epoch: number;
}

export function postEntry(api: ApiClient, entry: SignedEntry<CertificateBody>): Promise<PostedEntry> {
  return api.call(ROUTES.postEntry, { body: { entry: toJsonValue(entry) } });
}
