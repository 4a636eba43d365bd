/**
 * The routes of browser sign-in (docs/api.md, "Browser sign-in"): the node's web settings,
 * enrolling a browser with a passkey, sign-in, step-up, sign-out and the live session.
 */
import { array, boolean, bytes, enumOf, type Infer, literal, object, string } from '../encoding/decode.ts';
import {
  decodeDeviceId,
  decodeEd25519PublicKey,
  decodeGroup,
  decodeOrgId,
  decodeUserId,
  decodeXWingPublicKey,
  ROLES,
} from '../encoding/identifiers.ts';
import { CLASSIFICATIONS } from '../identity/classification.ts';
import { decodeEnrolmentCreated } from './directory-routes.ts';
import { decodeCreationOptions, decodeRequestOptions } from './passkey-options.ts';
import { route } from './route.ts';
import { decodeJsonValue, decodeTime } from './shared-decoders.ts';

const decodeName = string({ min: 1, max: 120 });

export const decodeWebConfig = object({
  origin: string({ min: 1, max: 256 }),
  rpId: string({ min: 1, max: 253 }),
  requireAal3: boolean(),
  now: decodeTime,
  /** A demo network: the app accepts an officer's link carrying the organisation key. */
  demo: boolean(),
});

export const decodeEnrolmentStartPost = object({ invitation: decodeDeviceId, secret: bytes({ length: 32 }) });

/** Whom an invitation enrols, so the page can say it before the passkey prompt. */
export const decodeInvitee = object({
  user: decodeUserId,
  name: decodeName,
  org: decodeOrgId,
  clearance: enumOf(CLASSIFICATIONS),
  role: enumOf(ROLES),
  groups: array(decodeGroup, { max: 64 }),
});
export type Invitee = Infer<typeof decodeInvitee>;

export const decodeEnrolmentStart = object({
  options: decodeCreationOptions,
  invitee: decodeInvitee,
  expiresAt: decodeTime,
});
export type EnrolmentStartAnswer = Infer<typeof decodeEnrolmentStart>;

export const decodeWebEnrolmentPost = object({
  invitation: decodeDeviceId,
  secret: bytes({ length: 32 }),
  device: decodeDeviceId,
  label: string({ min: 1, max: 80 }),
  signingKey: decodeEd25519PublicKey,
  kemKey: decodeXWingPublicKey,
  /** HMAC over the keys under the invitation's binding key, which the server never sees. */
  binding: bytes({ length: 32 }),
  /** The WebAuthn registration response, checked by the server's passkey verifier. */
  passkey: decodeJsonValue,
});

/** The body of the routes that read nothing: `{}`. */
export const decodeEmptyPost = object({});
export const decodePasskeyOptions = object({ options: decodeRequestOptions });
/** A WebAuthn assertion, checked by the server's passkey verifier. */
export const decodePasskeyPost = object({ passkey: decodeJsonValue });
export const decodeSignedIn = object({ expiresAt: decodeTime, idleSeconds: decodeTime });
export const decodeSteppedUp = object({ until: decodeTime });
export const decodeSignedOut = object({ ended: literal(true) });

export const decodeWebSession = object({
  device: decodeDeviceId,
  user: decodeUserId,
  name: decodeName,
  org: decodeOrgId,
  role: enumOf(ROLES),
  clearance: enumOf(CLASSIFICATIONS),
  expiresAt: decodeTime,
  idleExpiresAt: decodeTime,
  steppedUpUntil: decodeTime,
  now: decodeTime,
});
export type WebSession = Infer<typeof decodeWebSession>;

export const WEB_ROUTES = {
  webConfig: route({
    method: 'GET',
    path: '/api/v1/web/config',
    auth: 'none',
    body: 'none',
    answer: decodeWebConfig,
  }),
  startWebEnrolment: route({
    method: 'POST',
    path: '/api/v1/web/enrolments/options',
    auth: 'none',
    body: decodeEnrolmentStartPost,
    answer: decodeEnrolmentStart,
  }),
  finishWebEnrolment: route({
    method: 'POST',
    path: '/api/v1/web/enrolments',
    auth: 'none',
    body: decodeWebEnrolmentPost,
    answer: decodeEnrolmentCreated,
  }),
  startSignIn: route({
    method: 'POST',
    path: '/api/v1/web/sign-in/options',
    auth: 'device',
    body: decodeEmptyPost,
    answer: decodePasskeyOptions,
  }),
  finishSignIn: route({
    method: 'POST',
    path: '/api/v1/web/sign-in',
    auth: 'optional',
    body: decodePasskeyPost,
    answer: decodeSignedIn,
  }),
  startStepUp: route({
    method: 'POST',
    path: '/api/v1/web/step-up/options',
    auth: 'device',
    body: decodeEmptyPost,
    answer: decodePasskeyOptions,
  }),
  finishStepUp: route({
    method: 'POST',
    path: '/api/v1/web/step-up',
    auth: 'device',
    body: decodePasskeyPost,
    answer: decodeSteppedUp,
  }),
  signOut: route({
    method: 'POST',
    path: '/api/v1/web/sign-out',
    auth: 'device',
    body: decodeEmptyPost,
    answer: decodeSignedOut,
  }),
  webSession: route({
    method: 'GET',
    path: '/api/v1/web/session',
    auth: 'device',
    body: 'none',
    answer: decodeWebSession,
  }),
} as const;
