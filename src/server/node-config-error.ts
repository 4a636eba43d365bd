/**
 * A server node's settings refused at start-up (a malformed root key, network name, port,
 * accreditation or checkpoint interval, or a key file that does not hold a key). Nothing has
 * been served; the operator fixes the setting the message names and starts again.
 */
import { ValiseError } from '../core/valise-error.ts';

export class NodeConfigError extends ValiseError {
  readonly code = 'CONFIG_INVALID';
}
