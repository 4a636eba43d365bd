/**
 * The names of the audit log's keys (docs/design.md §8), fixed here so the server that signs and
 * every client that verifies derive the same ones. The log's checkpoint origin doubles as
 * its signed-note key name (C2SP tlog-checkpoint: the origin identifies the log). A witness
 * is an organisation's registry device: its cosigning key is the device's certified Ed25519
 * key, under a key name of its own, so any client can check a cosignature against its own
 * verified directory without trusting the server for witness keys. The cosignature/v1
 * message header and key type 0x04 keep those signatures apart from every other use of the
 * device key (request signatures, cable headers).
 */

/** `valise.<network>/log`: the checkpoint origin and the log key's name. */
export function logOrigin(network: string): string {
  return `valise.${network}/log`;
}

/** `valise.<network>/witness/<ORG>/<device>`: the key name of a registry device's cosignatures. */
export function witnessKeyName(network: string, org: string, device: string): string {
  return `valise.${network}/witness/${org}/${device}`;
}
