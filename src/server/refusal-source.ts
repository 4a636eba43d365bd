/**
 * Where an unauthenticated refusal comes from, as the key its budget and its audit counter
 * are kept under: the IPv4 address, or the /64 of an IPv6 address (one host holds a whole
 * /64, so keying on the full address would give an attacker 2^64 budgets). The text comes
 * from the socket, never from a header the caller wrote.
 */
import { isIPv4, isIPv6 } from 'node:net';

export function refusalSource(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped !== undefined && isIPv4(mapped)) return mapped;
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return 'unknown';
  const [head = '', tail = ''] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
