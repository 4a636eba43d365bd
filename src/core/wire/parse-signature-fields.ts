/**
 * Parses the Signature-Input and Signature fields of a request as the Valise profile allows
 * them (RFC 9421 §3.2 step 1, request-profile.ts): exactly one signature labelled `sig1`,
 * plain string components each once and from the allowed set, the known parameters each once
 * in `signRequest`'s order, and a 64-byte Ed25519 signature. Throws SIGNATURE_MISSING or
 * SIGNATURE_MALFORMED; what the parameters say is checked by `verifyRequest`.
 */
import { readHeaderField } from './header-field.ts';
import {
  ALLOWED_COMPONENTS,
  MAX_KEY_ID_LENGTH,
  MAX_SIGNATURE_FIELD_LENGTH,
  NONCE_PATTERN,
  SIGNATURE_LABEL,
} from './request-profile.ts';
import { RequestSignatureError } from './request-signature-error.ts';
import { SIGNATURE_PARAMETERS, type SignatureParams } from './signature-base.ts';
import { type BareItem, isSfString, type Member, parseDictionary } from './structured-field.ts';

export interface ParsedSignature {
  readonly components: readonly string[];
  readonly params: SignatureParams & { readonly nonce: string };
  readonly signature: Uint8Array;
}

function malformed(message: string): never {
  throw new RequestSignatureError('SIGNATURE_MALFORMED', message);
}

/** The request's headers, read as data. */
interface SignedHeaders {
  readonly headers: Parameters<typeof readHeaderField>[0];
}

export function parseSignatureFields(request: SignedHeaders): ParsedSignature {
  const inputField = readHeaderField(request.headers, 'signature-input', 'SIGNATURE_MALFORMED');
  const signatureField = readHeaderField(request.headers, 'signature', 'SIGNATURE_MALFORMED');
  if (!inputField || !signatureField) {
    throw new RequestSignatureError(
      'SIGNATURE_MISSING',
      `the request has no ${inputField ? 'Signature' : 'Signature-Input'} field; every Valise request must be signed by its device`,
    );
  }
  if (inputField.length > MAX_SIGNATURE_FIELD_LENGTH || signatureField.length > MAX_SIGNATURE_FIELD_LENGTH) {
    malformed(`the signature fields are longer than ${MAX_SIGNATURE_FIELD_LENGTH} characters`);
  }

  const input = onlyMember(parseDictionary(inputField), 'Signature-Input');
  if (input.kind !== 'inner-list')
    malformed('Signature-Input must be an inner list of components with parameters');
  const components = input.items.map(({ item, params }) => {
    if (item.type !== 'string' || params.length !== 0)
      malformed('each covered component must be a plain string');
    return item.value;
  });
  if (new Set(components).size !== components.length) malformed('a covered component is listed twice');
  for (const id of components) {
    if (!ALLOWED_COMPONENTS.includes(id)) {
      malformed(`the signature covers ${JSON.stringify(id)}, which Valise request signatures do not cover`);
    }
  }

  const sig = onlyMember(parseDictionary(signatureField), 'Signature');
  if (sig.kind !== 'item' || sig.item.type !== 'bytes' || sig.params.length !== 0) {
    malformed('Signature must be a byte sequence');
  }
  // RFC 9421 §3.3.6: an Ed25519 signature is 64 bytes.
  if (sig.item.value.length !== 64)
    malformed(`the signature is ${sig.item.value.length} bytes; Ed25519 gives 64`);

  return { components, params: parseParams(input.params), signature: sig.item.value };
}

/** Valise sends one signature, labelled sig1; several, or another label, are refused. */
function onlyMember(dictionary: ReturnType<typeof parseDictionary>, field: string): Member {
  if (!dictionary) malformed(`the ${field} field is not a valid structured-field dictionary`);
  const [entry, ...others] = dictionary;
  if (entry === undefined || others.length > 0) {
    malformed(
      `the ${field} field carries ${dictionary.length} signatures; Valise accepts exactly one, "${SIGNATURE_LABEL}"`,
    );
  }
  const [label, member] = entry;
  if (label !== SIGNATURE_LABEL) malformed(`the ${field} label is "${label}", not "${SIGNATURE_LABEL}"`);
  return member;
}

/** Parameters known to Valise, each once, in the one order `signRequest` writes them. */
function parseParams(list: ReadonlyArray<readonly [string, BareItem]>): ParsedSignature['params'] {
  const values = new Map<string, BareItem>();
  let lastIndex = -1;
  for (const [name, value] of list) {
    const index = (SIGNATURE_PARAMETERS as readonly string[]).indexOf(name);
    if (index < 0) malformed(`unknown signature parameter "${name}"`);
    if (index <= lastIndex) malformed(`signature parameter "${name}" is out of order`);
    lastIndex = index;
    values.set(name, value);
  }
  const created = integerParam(values, 'created');
  const expires = integerParam(values, 'expires');
  const nonce = stringParam(values, 'nonce');
  const keyid = stringParam(values, 'keyid');
  const alg = stringParam(values, 'alg');
  const tag = stringParam(values, 'tag');
  if (created === undefined) malformed('the signature has no created time');
  if (created < 0) malformed('the created time is negative');
  if (expires !== undefined && expires <= created) malformed('the signature expires before it was created');
  if (keyid === undefined || keyid.length === 0 || keyid.length > MAX_KEY_ID_LENGTH) {
    malformed(`the keyid must be 1 to ${MAX_KEY_ID_LENGTH} characters`);
  }
  if (nonce === undefined || !NONCE_PATTERN.test(nonce)) {
    malformed('the nonce must be 16 to 128 base64url characters');
  }
  return {
    created,
    ...(expires === undefined ? {} : { expires }),
    nonce,
    keyid,
    ...(alg === undefined ? {} : { alg }),
    ...(tag === undefined ? {} : { tag }),
  };
}

function integerParam(values: Map<string, BareItem>, name: string): number | undefined {
  const item = values.get(name);
  if (item === undefined) return undefined;
  if (item.type !== 'integer') malformed(`signature parameter "${name}" must be an integer`);
  return item.value;
}

function stringParam(values: Map<string, BareItem>, name: string): string | undefined {
  const item = values.get(name);
  if (item === undefined) return undefined;
  if (item.type !== 'string' || !isSfString(item.value))
    malformed(`signature parameter "${name}" must be a string`);
  return item.value;
}
