/**
 * Attachments. The server never reads one: it stores each encrypted attachment
 * once under the SHA-256 of its ciphertext (PUT, any signed device, idempotent for its
 * uploader, an `attachment.uploaded` event), the sender lists the digests beside the cable
 * it posts (linked in the cable's own transaction, once, by their uploader only), and GET
 * hands a linked blob to a device entitled to the cable only, after the fetch is on record
 * (docs/design.md §8), exactly as a cable fetch. Unlinked blobs count against the device's
 * and organisation's quotas until linked or swept (docs/design.md §7).
 */

import type { FastifyInstance } from 'fastify';
import { ROUTES } from '../../core/api/routes.ts';
import { DEFAULT_ATTACHMENT_LIMIT } from '../../core/cable/cable-content.ts';
import { formatReference } from '../../core/cable/reference.ts';
import { sha256 } from '../../core/crypto/sha256.ts';
import { constantTimeEqual, toBase64url } from '../../core/encoding/bytes.ts';
import { decodeCableId, decodeDigest } from '../../core/encoding/identifiers.ts';
import { actorOf, auditRecord } from '../audit-event.ts';
import { requireActor } from '../authenticate.ts';
import { unixSeconds } from '../clock.ts';
import { rawBody } from '../read-body.ts';
import { readParams } from '../read-params.ts';
import type { ServerContext } from '../server-context.ts';
import { ServerError } from '../server-error.ts';
import { meterRead } from '../watch/meter-read.ts';
import { entitledCable, readCableIdParam } from './cables.ts';
import { serve } from './serve-route.ts';

/** The largest ciphertext: the plaintext limit and generous room for the chunks' tags. */
export const MAX_ATTACHMENT_BYTES = DEFAULT_ATTACHMENT_LIMIT + 1024 * 1024;

export function attachmentRoutes(app: FastifyInstance, ctx: ServerContext): void {
  serve(app, ROUTES.uploadAttachment, { bodyLimit: MAX_ATTACHMENT_BYTES }, async (request, reply) => {
    const actor = requireActor(request);
    const { digest } = readParams(request, { digest: decodeDigest });
    if (request.headers['content-type']?.split(';')[0]?.trim() !== 'application/octet-stream') {
      throw new ServerError(
        'UNSUPPORTED_MEDIA_TYPE',
        'send the encrypted attachment as application/octet-stream',
      );
    }
    const body = rawBody(request);
    if (body.length === 0)
      throw new ServerError('MISSING_FIELD', 'the request needs the encrypted attachment', { field: '' });
    if (body.length > MAX_ATTACHMENT_BYTES) {
      throw new ServerError('TOO_LARGE', `an attachment is at most ${MAX_ATTACHMENT_BYTES} bytes`);
    }
    if (!constantTimeEqual(sha256(body), digest)) {
      throw new ServerError('CIPHERTEXT_MISMATCH', 'the body is not the attachment the digest names');
    }
    const now = unixSeconds(ctx.clock);
    const { limits } = ctx;
    const outcome = await ctx.store.putAttachment(
      {
        digest,
        content: body,
        device: actor.device.device,
        org: actor.org.org,
        at: now,
        quota: {
          deviceBytes: limits.attachmentDeviceBytes,
          orgBytes: limits.attachmentOrgBytes,
          since: now - limits.attachmentGraceSeconds,
        },
      },
      auditRecord({
        at: now,
        type: 'attachment.uploaded',
        actor: actorOf(actor),
        object: { kind: 'attachment', id: toBase64url(digest), org: actor.org.org },
        detail: { size: body.length },
      }),
    );
    if (outcome === 'taken') {
      throw new ServerError(
        'ALREADY_EXISTS',
        'another device uploaded this attachment; seal the file again (a fresh key makes a fresh digest)',
      );
    }
    if (outcome === 'device-quota' || outcome === 'org-quota') {
      const [who, bytes] =
        outcome === 'device-quota'
          ? ['this device', limits.attachmentDeviceBytes]
          : [actor.org.org, limits.attachmentOrgBytes];
      throw new ServerError(
        'QUOTA_EXCEEDED',
        `${who} holds attachments no cable links yet, up to its quota of ${mib(bytes)} MiB; send the cables they belong to, or wait ${limits.attachmentGraceSeconds / 3600} h for unsent ones to expire`,
      );
    }
    return reply.status(outcome === 'created' ? 201 : 200).send({ digest: toBase64url(digest) });
  });

  serve(app, ROUTES.attachment, {}, async (request, reply) => {
    const actor = requireActor(request);
    const id = readCableIdParam(request);
    const { digest } = readParams(request, { id: decodeCableId, digest: decodeDigest });
    const cable = await entitledCable(ctx, request, actor.device.device, id);
    const content = await ctx.store.fetchAttachment(cable.seq, actor.device.device, digest, () =>
      meterRead(ctx, {
        actor,
        kind: 'attachment',
        cable: { id: cable.id, seq: cable.seq, acceptedAt: cable.acceptedAt },
        fetched: auditRecord({
          at: unixSeconds(ctx.clock),
          type: 'attachment.fetched',
          actor: actorOf(actor),
          object: { kind: 'cable', id: cable.id, org: cable.org },
          detail: { reference: formatReference(cable), digest: toBase64url(digest) },
        }),
      }),
    );
    if (!content)
      throw new ServerError('NOT_FOUND', `no attachment ${toBase64url(digest)} on cable ${cable.id}`);
    return reply
      .type('application/octet-stream')
      .send(Buffer.from(content.buffer, content.byteOffset, content.length));
  });
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1);
}

/**
 * Removes the unlinked attachments older than the grace period, each with an
 * `attachment.expired` event (docs/design.md §7); returns how many. The node runs it on a
 * timer; tests call it with their own clock.
 */
export function sweepAttachments(ctx: Pick<ServerContext, 'store' | 'clock' | 'limits'>): Promise<number> {
  const now = unixSeconds(ctx.clock);
  return ctx.store.sweepAttachments(now - ctx.limits.attachmentGraceSeconds, (blob) =>
    auditRecord({
      at: now,
      type: 'attachment.expired',
      actor: {},
      object: { kind: 'attachment', id: toBase64url(blob.digest), org: blob.org },
      detail: { device: blob.device, size: blob.size },
    }),
  );
}
