/**
 * Enrols this machine with a one-time code (docs/design.md §5): the shared first steps
 * (`prepareDevice`: keys made and stored here), then the enrolment is posted with the
 * invitation secret and waits for a security officer to approve it.
 */
import { ROUTES } from '../core/api/routes.ts';
import type { Fetch } from './api-client.ts';
import { ApiClient } from './api-client.ts';
import { ClientError } from './client-error.ts';
import type { Clock } from './clock.ts';
import { parseInvitationCode } from './invitation-code.ts';
import type { KeyStore, PinnedNetwork } from './key-store.ts';
import { deviceComparisonCode, enrolmentBody, prepareDevice } from './prepare-device.ts';

export interface EnrolRequest {
  readonly store: KeyStore;
  readonly fetch: Fetch;
  readonly clock: Clock;
  readonly server: string;
  readonly code: string;
  readonly label: string;
  /** The network root key, as given by the security officer. */
  readonly root?: Uint8Array;
}

export interface Enrolment {
  readonly device: string;
  readonly status: 'pending';
  /** The code of this device's keys, for the invitee to read to their officer (docs/design.md §5). */
  readonly comparisonCode: string;
  readonly network: PinnedNetwork;
  readonly trust: 'given' | 'first-use';
}

export async function enrol(request: EnrolRequest): Promise<Enrolment> {
  const code = parseInvitationCode(request.code);
  const api = new ApiClient({ server: request.server, fetch: request.fetch, clock: request.clock });
  const { keys, network, trust } = await prepareDevice({
    store: request.store,
    api,
    ...(request.root ? { root: request.root } : {}),
    label: request.label,
    storage: 'key-file',
    elsewhere: 'enrol with another --profile',
  });
  const answer = await api.call(ROUTES.enrol, {
    body: enrolmentBody(code, keys),
  });
  if (answer.device !== keys.device)
    throw new ClientError('BAD_RESPONSE', 'the server registered the enrolment under another device id');
  return {
    device: keys.device,
    status: 'pending',
    comparisonCode: deviceComparisonCode(keys),
    network,
    trust,
  };
}
