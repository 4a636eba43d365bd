/**
 * This browser's device identity: the one device-key maker (src/client/make-device-keys.ts)
 * with the keys WebCrypto keeps non-extractable (docs/design.md §4, §5).
 */
import type { DeviceKeys } from '../client/key-store.ts';
import { makeDeviceKeys } from '../client/make-device-keys.ts';

export function makeBrowserDeviceKeys(label: string): Promise<DeviceKeys> {
  return makeDeviceKeys(label, 'web-crypto');
}
