/**
 * Reading option values people type into the typed values the SDK takes. Each reader
 * names the option in its error, says what was expected, and accepts the forms people
 * use (`RESTREINT UE`, `restreint-ue`; `24h`, `7d`; `FR:action`).
 */

import type { AddresseeRole, Precedence } from '../core/cable/precedence.ts';
import { ADDRESSEE_ROLES, PRECEDENCES } from '../core/cable/precedence.ts';
import { fromBase64url } from '../core/encoding/bytes.ts';
import type { Role } from '../core/encoding/identifiers.ts';
import { GROUP_PATTERN, ORG_ID_PATTERN, ROLES } from '../core/encoding/identifiers.ts';
import type { Classification } from '../core/identity/classification.ts';
import { CLASSIFICATIONS } from '../core/identity/classification.ts';
import { CliError } from './cli-error.ts';
import type { OptionValues } from './verb.ts';

function usage(message: string): CliError {
  return new CliError('USAGE', message);
}

export function text(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function required(values: OptionValues, name: string): string {
  const value = text(values, name);
  if (value === undefined || value === '') throw usage(`--${name} is required`);
  return value;
}

/** The positional argument at `index`, named `name` in the usage error when it is missing. */
export function positional(positionals: readonly string[], index: number, name: string): string {
  const value = positionals[index];
  if (value === undefined) throw usage(`missing ${name}`);
  return value;
}

export function flag(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

/** A repeatable option, each occurrence also split at commas: `--groups A,B --groups C`. */
export function list(values: OptionValues, name: string): string[] {
  const value = values[name];
  const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return all
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function canonicalWords(value: string): string {
  return value
    .trim()
    .toUpperCase()
    .replace(/[-_\s]+/g, ' ');
}

export function classification(value: string, option = 'classification'): Classification {
  const wanted = canonicalWords(value);
  const found = CLASSIFICATIONS.find((c) => c === wanted);
  if (!found) {
    if (wanted === 'TRES SECRET UE')
      throw usage('TRES SECRET UE lives on separate systems; Valise refuses it');
    throw usage(`--${option} must be one of ${CLASSIFICATIONS.join(', ')}`);
  }
  return found;
}

export function precedence(value: string): Precedence {
  const found = PRECEDENCES.find((p) => p === canonicalWords(value));
  if (!found) throw usage(`--precedence must be one of ${PRECEDENCES.join(', ')}`);
  return found;
}

export function role(value: string): Role {
  const found = ROLES.find((r) => r === value.trim().toLowerCase());
  if (!found) throw usage(`--role must be one of ${ROLES.join(', ')}`);
  return found;
}

export function orgId(value: string, option: string): string {
  const org = value.trim().toUpperCase();
  if (!ORG_ID_PATTERN.test(org)) throw usage(`${option} must be an organisation id such as DE or EEAS`);
  return org;
}

export function groups(values: readonly string[]): string[] {
  const out = values.map((g) => g.toUpperCase());
  for (const g of out) {
    if (!GROUP_PATTERN.test(g))
      throw usage(`working group ${JSON.stringify(g)} must look like COEST or RELEX-SANCTIONS`);
  }
  return [...new Set(out)].sort();
}

/** `--to FR`, `--to FR:info`; action is the default role. */
export function addressee(value: string): { readonly org: string; readonly role: AddresseeRole } {
  const [org = '', roleText = 'action', ...rest] = value.split(':');
  const role = ADDRESSEE_ROLES.find((r) => r === roleText.trim().toLowerCase());
  if (rest.length > 0 || !role) throw usage(`--to ${value}: expected ORG, ORG:action or ORG:info`);
  return { org: orgId(org, `--to ${value}`), role };
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90s`, `30m`, `24h`, `7d`, or plain seconds. */
export function duration(value: string, option: string): number {
  const match = /^([1-9][0-9]{0,6})([smhd]?)$/.exec(value.trim());
  if (!match) throw usage(`--${option} must be a duration such as 30m, 24h or 7d`);
  return Number(match[1]) * (UNITS[match[2] || 's'] ?? 1);
}

export function positiveInteger(value: string, option: string, max: number): number {
  if (!/^[1-9][0-9]{0,8}$/.test(value.trim()) || Number(value) > max) {
    throw usage(`--${option} must be a whole number from 1 to ${max}`);
  }
  return Number(value);
}

/** Unix seconds, or an ISO 8601 date or date-time (`2026-11-28`, `2026-11-28T14:00Z`). */
export function instant(value: string, option: string): number {
  const trimmed = value.trim();
  if (/^[0-9]{1,12}$/.test(trimmed)) return Number(trimmed);
  const ms = /^\d{4}-\d{2}-\d{2}/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(ms)) throw usage(`--${option} must be Unix seconds or a date such as 2026-11-28T14:00Z`);
  return Math.floor(ms / 1000);
}

/** An Ed25519 public key in base64url (the network root key). */
export function publicKey(value: string, option: string): Uint8Array {
  const key = fromBase64url(value.trim());
  if (key?.length !== 32)
    throw usage(`--${option} must be the 43-character base64url key your security officer gave you`);
  return key;
}

export function serverUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usage(`--server ${value} is not a URL; give e.g. https://valise.example`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw usage('--server must be an http(s) URL');
  return url.href.replace(/\/+$/, '');
}
