/**
 * How an opened cable is shown, the same on every client (docs/design.md §12): the
 * classification banner, the reference with its date-time group and precedence, who it is
 * from and to, and who signed it from which device. Pure: the CLI prints these lines and
 * fields, the web app renders them, and neither words them again.
 */
import type { AttachmentDescriptor } from '../core/cable/cable-content.ts';
import type { Addressee } from '../core/cable/cable-header.ts';
import type { OpenedCable } from '../core/cable/open-cable.ts';
import { formatDateTimeGroup } from '../core/encoding/date-time-group.ts';
import type { Directory } from '../core/identity/directory.ts';
import { type RevocationWarning, revocationWarnings } from './revocation-warnings.ts';

export interface SignedByView {
  readonly org: string;
  readonly orgName: string;
  readonly user: string;
  readonly name: string;
  readonly device: string;
  readonly label: string;
}

export interface CablePresentation {
  readonly id: string;
  readonly reference: string;
  /** Unix seconds, and the date-time group people read (`041502Z DEC 26`). */
  readonly sentAt: number;
  readonly dtg: string;
  readonly classification: string;
  readonly markings: readonly string[];
  /** The banner at top and bottom: the classification, then the markings. */
  readonly banner: string;
  readonly precedence: string;
  /** The sending organisation. */
  readonly from: string;
  readonly distribution: readonly Addressee[];
  /** The addressees as read: `FR (action), CY (info)`. */
  readonly addressees: string;
  readonly groups: readonly string[];
  readonly replyTo?: string;
  /** The silence-procedure act the cable is, and the deadline it sets. */
  readonly silence?: string;
  readonly silenceDeadline?: number;
  readonly subject: string;
  readonly tags: readonly string[];
  readonly body: string;
  readonly attachments: readonly Pick<AttachmentDescriptor, 'name' | 'type' | 'size'>[];
  readonly signedBy: SignedByView;
  /** Who signed from which device, as certified: `Anna Schmidt (de.anna) of DE, device …`. */
  readonly signature: string;
  /** Revocations made before the cable was sent (revocation-warnings.ts); usually none. */
  readonly warnings: readonly RevocationWarning[];
}

export function presentCable(read: {
  readonly reference: string;
  readonly cable: OpenedCable;
  /** The reader's verified directory, for the revocation warnings. */
  readonly directory?: Directory;
}): CablePresentation {
  const { header, content, signedBy } = read.cable;
  const signer: SignedByView = {
    org: signedBy.org.org,
    orgName: signedBy.org.name,
    user: signedBy.user.user,
    name: signedBy.user.name,
    device: signedBy.device.device,
    label: signedBy.device.label,
  };
  return {
    id: header.id,
    reference: read.reference,
    sentAt: header.sentAt,
    dtg: formatDateTimeGroup(header.sentAt),
    classification: header.classification,
    markings: header.markings,
    banner: bannerText(header.classification, header.markings),
    precedence: header.precedence,
    from: header.org,
    distribution: header.distribution,
    addressees: header.distribution.map((d) => `${d.org} (${d.role})`).join(', '),
    groups: header.groups,
    ...(header.replyTo ? { replyTo: header.replyTo } : {}),
    ...(header.silence ? { silence: header.silence } : {}),
    ...(header.silenceDeadline !== undefined ? { silenceDeadline: header.silenceDeadline } : {}),
    subject: content.subject,
    tags: content.tags,
    body: content.body,
    attachments: content.attachments.map((a) => ({ name: a.name, type: a.type, size: a.size })),
    signedBy: signer,
    warnings: read.directory ? revocationWarnings(read.cable, read.directory) : [],
    signature: `${signer.name} (${signer.user}) of ${signer.org}, device “${signer.label}” (${signer.device}), certified by ${signer.orgName} (${signer.org})`,
  };
}

/** The classification banner's words: the level, then each marking (EUCI practice). */
export function bannerText(classification: string, markings: readonly string[]): string {
  return [classification, ...markings].join(' · ');
}
