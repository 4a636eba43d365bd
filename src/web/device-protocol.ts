/**
 * The messages between the page and the device worker. The worker is the device: it holds
 * the keys, signs every request, syncs and verifies the directory, seals and opens cables;
 * the page shows what it answers and runs the passkey prompts (which only a page can).
 * Everything here is plain data (structured-cloneable).
 */

import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import type { LiveCable, OverdueNotice } from '../client/follow-inbox.ts';
import type { HeldActSummary } from '../client/officer-acts.ts';
import type { CablePresentation } from '../client/present-cable.ts';
import type { Invitee } from '../core/api/web-routes.ts';

export type { Invitee };

export interface ErrorView {
  readonly code: string;
  readonly message: string;
  readonly status?: number;
}

export type DeviceStatus =
  | { readonly enrolled: false }
  | {
      readonly enrolled: true;
      readonly device: string;
      readonly label: string;
      /** The code the person reads to their officer, who approves only if theirs is the same. */
      readonly comparisonCode: string;
      readonly user?: string;
      readonly org?: string;
      readonly network: string;
    };

export interface Me {
  readonly device: string;
  readonly label: string;
  readonly user: string;
  readonly name: string;
  readonly org: string;
  readonly orgName: string;
  readonly role: string;
  readonly clearance: string;
  readonly groups: readonly string[];
  readonly network: string;
  readonly accreditation: string;
  readonly hasOrgKey: boolean;
}

export interface EnrolmentStart {
  readonly options: PublicKeyCredentialCreationOptionsJSON;
  readonly invitee: Invitee;
}

export interface InboxRow {
  readonly id: string;
  readonly reference: string;
  readonly sentAt: number;
  readonly dtg: string;
  readonly precedence: string;
  readonly classification: string;
  readonly markings: readonly string[];
  readonly from: string;
  readonly role: 'action' | 'info' | 'sender' | 'registry';
  readonly acknowledged: boolean;
  /** For the sender and its registry: how many addressee organisations acknowledged, of how many. */
  readonly acks?: { readonly done: number; readonly of: number };
  readonly verified: boolean;
  /** From the cable once opened here or sent from here, or from its sealed summary (format 4). */
  readonly subject?: string;
  readonly tags?: readonly string[];
  /** Why the cable's sealed summary was refused (a CableError code): it is not listed again. */
  readonly summaryRefused?: string;
  readonly read: boolean;
  /** The reference this cable replies to, from its signed header. */
  readonly replyTo?: string;
  /** The silence-procedure act the cable is, from its signed header. */
  readonly silence?: string;
}

export interface InboxView {
  readonly items: readonly InboxRow[];
  readonly syncedAt: number;
}

export type { SignedByView } from '../client/present-cable.ts';

/** An opened cable as every client presents it, with this device's place in it; or why not. */
export type CableView =
  | (CablePresentation & {
      readonly ok: true;
      readonly role: string;
      readonly acknowledged: boolean;
      readonly isSender: boolean;
      /** Shown from this browser's own copy because the server could not be reached. */
      readonly offline?: boolean;
    })
  | {
      readonly ok: false;
      readonly id: string;
      readonly code: string;
      readonly message: string;
      readonly reference?: string;
    };

export interface AckRow {
  readonly org: string;
  readonly role: string;
  readonly acknowledged: boolean;
  readonly by?: string;
  readonly at?: number;
  /** The first fetch by a device of the organisation. */
  readonly delivered?: number;
  /** When an action addressee's acknowledgement is due. */
  readonly due?: number;
  readonly overdue: boolean;
  /** When the node told the addressee's registry and the sender. */
  readonly escalated?: number;
}

/** The sender's delivery board (docs/design.md §2). */
export interface DeliveryBoardView {
  readonly precedence: string;
  /** The precedence's limit in words (`10 min`); absent when it never escalates. */
  readonly limit?: string;
  /** The server's clock when it answered. */
  readonly now: number;
  readonly items: readonly AckRow[];
}

export interface Draft {
  readonly classification: string;
  readonly markings: readonly string[];
  readonly precedence: string;
  readonly action: readonly string[];
  readonly info: readonly string[];
  readonly groups: readonly string[];
  readonly replyTo: string;
  /** Opens a silence procedure adopted in this many hours (the Presidency only); empty: none. */
  readonly silenceHours?: string;
  readonly subject: string;
  /** The tags as typed, separated by commas (absent in a draft kept before tags were offered). */
  readonly tags?: string;
  readonly body: string;
}

export interface RecipientView {
  readonly device: string;
  readonly label: string;
  readonly user: string;
  readonly name: string;
  readonly org: string;
}

export interface DirectoryView {
  readonly orgs: readonly { readonly org: string; readonly name: string }[];
  readonly groups: readonly string[];
  readonly people: readonly {
    readonly user: string;
    readonly name: string;
    readonly org: string;
    readonly role: string;
    readonly clearance: string;
    readonly groups: readonly string[];
  }[];
}

export interface DeviceRow {
  readonly device: string;
  readonly user: string;
  readonly label: string;
  readonly status: string;
}

export interface PendingRow {
  readonly device: string;
  readonly user: string;
  readonly label: string;
  readonly createdAt: number;
  /** The code of the keys pending, which the invitee's device shows (docs/design.md §5). */
  readonly comparisonCode: string;
  /** This browser issued the invitation, so it holds its binding key. */
  readonly bound: boolean;
}

/**
 * An officer act another officer posted from the command line, held for a second officer's
 * confirmation (docs/design.md §5): who asked, what, for whom, until when.
 */
export type HeldActRow = HeldActSummary;

/** An enrolled browser: pending approval, or certified by its own officer's key. */
export interface EnrolmentDone {
  readonly device: string;
  readonly status: 'pending' | 'active';
  /** The code of this device's keys, for the invitee to read to their officer. */
  readonly comparisonCode: string;
}

/** What the officer confirms when approving: the code compared, and the link if needed. */
export interface ApprovalConfirmation {
  readonly comparisonCode: string;
  /** The enrolment link handed over, when this browser did not issue the invitation. */
  readonly invitationLink?: string;
}

export interface InvitationView {
  readonly link: string;
  readonly expiresAt: number;
  readonly user: string;
}

export interface SearchHit {
  readonly id: string;
  readonly reference: string;
  readonly subject: string;
  readonly from: string;
  readonly sentAt: number;
  readonly classification: string;
  readonly precedence: string;
}

/** One audit event, checked against its inclusion proof in the worker (src/client/audit-events.ts). */
export interface AuditRow {
  readonly leaf: number;
  readonly at: number;
  readonly dtg: string;
  readonly type: string;
  readonly actor: { readonly org?: string; readonly user?: string; readonly device?: string };
  readonly object: { readonly kind: string; readonly id: string; readonly org?: string };
  readonly detail: string;
  /** The event as a sentence, with names from the verified directory. */
  readonly sentence: string;
  /** The acting person's name as the directory has it (or their id), for filtering. */
  readonly person?: string;
  /** The cable's reference, when the event is about one. */
  readonly reference?: string;
}

/** A served audit event that did not prove: shown in its place, marked, never as an event. */
export interface AuditFailedRow {
  readonly leaf: number;
  /** What failed, in plain words. */
  readonly what: string;
}

export interface AuditView {
  /** Newest first; every one proven in the checkpoint of `size` entries. */
  readonly items: readonly AuditRow[];
  /** Events the server served that did not prove, newest first (docs/design.md §8). */
  readonly failed: readonly AuditFailedRow[];
  readonly size: number;
  /** Whether that checkpoint carries the witness quorum. */
  readonly witnessing: 'WITNESSED' | 'NOT_YET_WITNESSED' | 'NO_WITNESSES';
  /** More events follow the ones shown (the page cap was reached). */
  readonly more: boolean;
  /** Leaves the server did not serve in the range shown: deleted or withheld (docs/design.md §8). */
  readonly gaps: readonly number[];
  /** Runs of leaves that do not rebuild the checkpoint: events of them may be altered or left out. */
  readonly unproven: readonly { readonly from: number; readonly to: number }[];
  /** Set while directory changes wait for the witness quorum: what to tell the officer. */
  readonly witnessLag?: string;
}

/** A device as the watch sees it (docs/design.md §9). */
export interface WatchDeviceRow {
  readonly device: string;
  readonly user: string;
  readonly label: string;
  readonly role: string;
  readonly state: 'active' | 'held' | 'suspended';
  readonly since?: number;
  readonly reason?: string;
}

/** A device's reads per slot (10 minutes) from `from`, and the officers' alert line per slot. */
export interface WatchActivityView {
  readonly device: string;
  readonly period: 'day' | 'week';
  readonly from: number;
  readonly slotSeconds: number;
  readonly reads: readonly number[];
  readonly limit: number;
}

/** One event of the watch's live stream, decoded in the worker. */
export interface WatchEventView {
  readonly leaf: number;
  readonly at: number;
  readonly type: string;
  readonly device: string;
  readonly user?: string;
  readonly org?: string;
  /** What happened, in one line. */
  readonly line: string;
  /** An alert, hold or suspension (not a release or a tuning). */
  readonly alarm: boolean;
}

/** Whom a stopped device's person should call: their organisation's security officers. */
export interface OfficerContact {
  readonly user: string;
  readonly name: string;
}

/** A file to attach, or one decrypted: kept out of drafts, which are saved as they are typed. */
export interface FileInput {
  readonly name: string;
  readonly type: string;
  readonly data: Uint8Array;
}

/** A silence procedure as this device decided it from the proven log (src/client/silence-status.ts). */
export interface ProcedureView {
  readonly id: string;
  readonly reference: string;
  readonly presidency: string;
  readonly deadline: number;
  /** The server's time when it answered: the countdown runs from it. */
  readonly now: number;
  readonly state: 'open' | 'closing' | 'closed';
  readonly participants: readonly {
    readonly org: string;
    readonly receivedAt?: number;
    readonly acknowledgedAt?: number;
    readonly objectedAt?: number;
  }[];
  readonly objections: readonly { readonly org: string; readonly at: number; readonly reason?: string }[];
  /** Once recorded by the server and confirmed here. */
  readonly outcome?: {
    readonly outcome: string;
    readonly undelivered: readonly string[];
    readonly withdrawnAt?: number;
  };
  /** This device's organisation is a participant that has not objected. */
  readonly mayObject: boolean;
  /** This device's organisation opened the procedure and it is still open: it may extend or withdraw. */
  readonly mayManage: boolean;
}

/** One step of a thread (src/web/thread-desk.ts): a cable, or an acknowledgement of one. */
export type ThreadEntry =
  | {
      readonly kind: 'cable';
      readonly id: string;
      readonly reference: string;
      readonly from: string;
      readonly sentAt: number;
      readonly dtg: string;
      readonly classification: string;
      readonly subject?: string;
      readonly replyTo?: string;
      readonly silence?: string;
    }
  | {
      readonly kind: 'ack';
      /** The acknowledged cable. */
      readonly id: string;
      readonly reference: string;
      readonly org: string;
      readonly by?: string;
      readonly at: number;
      readonly dtg: string;
    };

/** A reply as compose starts it, and the lowest classification it may take. */
export interface ReplyStart {
  readonly draft: Draft;
  /** The original's classification, when this device knows the original. */
  readonly floor?: string;
}

/** What the device worker does; each method is one message and one answer. */
export interface DeviceApi {
  status(): Promise<DeviceStatus>;
  forget(): Promise<void>;
  startEnrolment(code: string): Promise<EnrolmentStart>;
  /** DEMO_ONLY unless the node runs the demo network (an officer's link with the org key). */
  requireDemoNetwork(): Promise<void>;
  finishEnrolment(request: {
    readonly code: string;
    readonly label: string;
    readonly passkey: unknown;
    readonly orgKey?: string;
    /** This browser holds an older device: the person agreed that enrolling removes it. */
    readonly replace?: boolean;
  }): Promise<EnrolmentDone>;
  startSignIn(): Promise<PublicKeyCredentialRequestOptionsJSON>;
  finishSignIn(passkey: unknown): Promise<Me>;
  resume(): Promise<Me | null>;
  startStepUp(): Promise<PublicKeyCredentialRequestOptionsJSON>;
  finishStepUp(passkey: unknown): Promise<void>;
  signOut(): Promise<void>;
  inbox(refresh: boolean): Promise<InboxView>;
  readCable(id: string): Promise<CableView>;
  acknowledge(id: string): Promise<void>;
  acks(id: string): Promise<DeliveryBoardView>;
  directory(): Promise<DirectoryView>;
  recipients(draft: Draft): Promise<readonly RecipientView[]>;
  /** Sends the draft with `files` attached (sealed and uploaded here, in the worker). */
  send(
    draft: Draft,
    files?: readonly FileInput[],
  ): Promise<{ readonly id: string; readonly reference: string }>;
  /** Downloads attachment `index` of a cable this device opened, decrypted and verified. */
  attachment(id: string, index: number): Promise<FileInput>;
  saveDraft(draft: Draft): Promise<void>;
  loadDraft(): Promise<Draft | null>;
  clearDraft(): Promise<void>;
  search(query: string): Promise<readonly SearchHit[]>;
  pendingEnrolments(): Promise<readonly PendingRow[]>;
  devices(): Promise<readonly DeviceRow[]>;
  approve(device: string, confirmation: ApprovalConfirmation): Promise<void>;
  revoke(target: string, reason: string): Promise<void>;
  /** The organisation's officer acts waiting for a second officer's confirmation. */
  heldActs(): Promise<readonly HeldActRow[]>;
  /** Confirms another officer's held act (a step-up act); it takes effect as they signed it. */
  confirmAct(id: string): Promise<void>;
  /** Refuses a held act with a reason; nothing of it is applied. */
  refuseAct(id: string, reason: string): Promise<void>;
  invite(request: {
    readonly user: string;
    readonly name: string;
    readonly clearance: string;
    readonly role: string;
    readonly groups: readonly string[];
  }): Promise<InvitationView>;
  importOrgKey(seed: string): Promise<void>;
  /** Audit events (security officer: own organisation; network authority: all), each proven. */
  auditEvents(filter: { readonly type?: string; readonly org?: string }): Promise<AuditView>;
  /** The watch: the organisation's devices and their state. */
  watchedDevices(): Promise<readonly WatchDeviceRow[]>;
  watchActivity(device: string, period: 'day' | 'week'): Promise<WatchActivityView>;
  releaseDevice(device: string, reason: string): Promise<void>;
  suspendDevice(device: string, reason: string): Promise<void>;
  /** Opens the live stream; its events arrive as `watch` pushes until stopWatch. */
  followWatch(): Promise<void>;
  /** Plants a canary watching one person of the officer's organisation. */
  plantCanary(request: {
    readonly user: string;
    readonly subject: string;
    readonly body: string;
    readonly reason: string;
  }): Promise<{ readonly id: string; readonly reference: string }>;
  /** Opens the device's live inbox: new cables arrive as `cable` pushes. */
  followInbox(): Promise<void>;
  stopInbox(): Promise<void>;
  stopWatch(): Promise<void>;
  /** A held browser device: the passkey challenge, then the assertion that releases it. */
  startWatchStepUp(): Promise<PublicKeyCredentialRequestOptionsJSON>;
  finishWatchStepUp(passkey: unknown): Promise<void>;
  /** This device's organisation's security officers, from the directory it verified last. */
  securityOfficers(): Promise<readonly OfficerContact[]>;
  /** A silence procedure, decided here from the proven log; objections' reasons decrypted here. */
  procedure(id: string): Promise<ProcedureView>;
  /** Breaks silence: an objection with `reason` (a step-up act). */
  breakSilence(id: string, reason: string): Promise<{ readonly reference: string }>;
  /** The Presidency moves the deadline later (a step-up act); `deadline` in Unix seconds. */
  extendSilence(id: string, deadline: number, note: string): Promise<{ readonly reference: string }>;
  /** The Presidency withdraws the text, saying why (a step-up act). */
  withdrawSilence(id: string, reason: string): Promise<{ readonly reference: string }>;
  /** The thread of a cable, from the headers this device holds, with the acknowledgements it may see. */
  thread(id: string): Promise<readonly ThreadEntry[]>;
  /** A reply to `reference`, pre-filled from the original. */
  replyDraft(reference: string): Promise<ReplyStart>;
  /** The id of the cable with this reference, from what this device holds or its inbox. */
  resolveReference(reference: string): Promise<string>;
}

/** What the worker sends unasked: the watch's live events, and why the stream ended. */
export type DevicePush =
  | { readonly push: 'cable'; readonly cable: LiveCable }
  | { readonly push: 'overdue'; readonly notice: OverdueNotice }
  | { readonly push: 'inbox-open' }
  | { readonly push: 'inbox-ended'; readonly error: ErrorView }
  | { readonly push: 'watch'; readonly event: WatchEventView }
  | { readonly push: 'watch-open' }
  | { readonly push: 'watch-ended'; readonly error: ErrorView };

export type DeviceOp = keyof DeviceApi;

export interface DeviceRequest {
  readonly id: number;
  readonly op: DeviceOp;
  readonly args: readonly unknown[];
}

export type DeviceAnswer =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: ErrorView };
