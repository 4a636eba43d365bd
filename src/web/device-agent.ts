/**
 * The device, as it runs in the worker (docs/design.md §12: sealing and opening never on the
 * main thread): the one object that answers the page's messages (DeviceApi). It holds the
 * little state a conversation with the page needs (whom the enrolment in progress is for, the
 * attachment keys of the cables opened this session) and hands each act to the file of its
 * concern, over the shared DeviceContext (keys, archive, API client, session). The web app is
 * a thin shell over the same SDK functions the CLI uses.
 */
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import type { Fetch } from '../client/api-client.ts';
import { followInbox, type InboxNews } from '../client/follow-inbox.ts';
import { deviceComparisonCode } from '../client/prepare-device.ts';
import type { Invitee } from '../core/api/web-routes.ts';
import { auditEvents } from './audit-desk.ts';
import {
  type FinishEnrolment,
  finishEnrolment,
  requireDemoNetwork,
  startEnrolment,
} from './browser-enrolment.ts';
import * as sessions from './browser-session.ts';
import * as cables from './cable-desk.ts';
import * as compose from './compose-desk.ts';
import { DeviceContext } from './device-context.ts';
import type {
  ApprovalConfirmation,
  AuditView,
  CableView,
  DeliveryBoardView,
  DeviceApi,
  DevicePush,
  DeviceRow,
  DeviceStatus,
  DirectoryView,
  Draft,
  EnrolmentDone,
  EnrolmentStart,
  FileInput,
  HeldActRow,
  InboxView,
  InvitationView,
  Me,
  OfficerContact,
  PendingRow,
  ProcedureView,
  RecipientView,
  ReplyStart,
  SearchHit,
  ThreadEntry,
  WatchActivityView,
  WatchDeviceRow,
  WatchEventView,
} from './device-protocol.ts';
import { directoryView } from './directory-view.ts';
import { errorView } from './error-view.ts';
import * as officer from './officer-desk.ts';
import * as procedures from './procedure-desk.ts';
import { StreamFollower } from './stream-follower.ts';
import * as threads from './thread-desk.ts';
import * as watch from './watch-desk.ts';

export class DeviceAgent implements DeviceApi {
  readonly #device: DeviceContext;
  #invitee: Invitee | undefined;
  readonly #opened: cables.OpenedAttachments = new Map();
  readonly #watch: StreamFollower<WatchEventView>;
  readonly #inbox: StreamFollower<InboxNews>;

  /** `push` carries what the worker sends unasked (new cables, the watch's events) to the page. */
  constructor(origin: string, fetch: Fetch, push: (message: DevicePush) => void = () => {}) {
    this.#device = new DeviceContext(origin, fetch);
    this.#inbox = new StreamFollower(
      (device, signal, onOpen) => followInbox(device.live().api, { signal, onOpen }),
      (news) =>
        push(
          news.kind === 'cable'
            ? { push: 'cable', cable: news.cable }
            : { push: 'overdue', notice: news.notice },
        ),
      () => push({ push: 'inbox-open' }),
      (error) => push({ push: 'inbox-ended', error: errorView(error) }),
    );
    this.#watch = new StreamFollower(
      watch.followWatchEvents(),
      (event) => push({ push: 'watch', event }),
      () => push({ push: 'watch-open' }),
      (error) => push({ push: 'watch-ended', error: errorView(error) }),
    );
  }

  syncClock(): Promise<void> {
    return this.#device.syncClock();
  }

  async status(): Promise<DeviceStatus> {
    const profile = await (await this.#device.open()).keys.loadProfile();
    if (!profile.device || !profile.network) return { enrolled: false };
    return {
      enrolled: true,
      device: profile.device.device,
      label: profile.device.label,
      comparisonCode: deviceComparisonCode(profile.device),
      network: profile.network.root.network,
      ...(profile.device.user ? { user: profile.device.user } : {}),
      ...(profile.device.org ? { org: profile.device.org } : {}),
    };
  }

  forget(): Promise<void> {
    return this.#device.forget();
  }

  async startEnrolment(code: string): Promise<EnrolmentStart> {
    const start = await startEnrolment(this.#device, code);
    this.#invitee = start.invitee;
    return start;
  }

  requireDemoNetwork(): Promise<void> {
    return requireDemoNetwork(this.#device);
  }

  finishEnrolment(request: FinishEnrolment): Promise<EnrolmentDone> {
    return finishEnrolment(this.#device, this.#invitee, request);
  }

  startSignIn(): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return sessions.startSignIn(this.#device);
  }

  finishSignIn(passkey: unknown): Promise<Me> {
    return sessions.finishSignIn(this.#device, passkey);
  }

  resume(): Promise<Me | null> {
    return sessions.resume(this.#device);
  }

  startStepUp(): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return sessions.startStepUp(this.#device);
  }

  finishStepUp(passkey: unknown): Promise<void> {
    return sessions.finishStepUp(this.#device, passkey);
  }

  signOut(): Promise<void> {
    this.#opened.clear();
    this.#watch.stop();
    return sessions.signOut(this.#device);
  }

  inbox(refresh: boolean): Promise<InboxView> {
    return cables.inbox(this.#device, refresh);
  }

  readCable(id: string): Promise<CableView> {
    return cables.readCable(this.#device, this.#opened, id);
  }

  attachment(id: string, index: number): Promise<FileInput> {
    return cables.attachment(this.#device, this.#opened, id, index);
  }

  acknowledge(id: string): Promise<void> {
    return cables.acknowledgeCable(this.#device, id);
  }

  acks(id: string): Promise<DeliveryBoardView> {
    return cables.acks(this.#device, id);
  }

  search(query: string): Promise<readonly SearchHit[]> {
    return cables.search(this.#device, query);
  }

  async directory(): Promise<DirectoryView> {
    return directoryView(this.#device.live().directory);
  }

  recipients(draft: Draft): Promise<readonly RecipientView[]> {
    return compose.recipients(this.#device, draft);
  }

  send(
    draft: Draft,
    files: readonly FileInput[] = [],
  ): Promise<{ readonly id: string; readonly reference: string }> {
    return compose.send(this.#device, draft, files);
  }

  saveDraft(draft: Draft): Promise<void> {
    return compose.saveDraft(this.#device, draft);
  }

  loadDraft(): Promise<Draft | null> {
    return compose.loadDraft(this.#device);
  }

  clearDraft(): Promise<void> {
    return compose.clearDraft(this.#device);
  }

  pendingEnrolments(): Promise<readonly PendingRow[]> {
    return officer.pendingEnrolments(this.#device);
  }

  devices(): Promise<readonly DeviceRow[]> {
    return officer.devices(this.#device);
  }

  approve(device: string, confirmation: ApprovalConfirmation): Promise<void> {
    return officer.approve(this.#device, device, confirmation);
  }

  revoke(target: string, reason: string): Promise<void> {
    return officer.revoke(this.#device, target, reason);
  }

  heldActs(): Promise<readonly HeldActRow[]> {
    return officer.heldActs(this.#device);
  }

  confirmAct(id: string): Promise<void> {
    return officer.confirmAct(this.#device, id);
  }

  refuseAct(id: string, reason: string): Promise<void> {
    return officer.refuseAct(this.#device, id, reason);
  }

  invite(request: officer.InviteRequest): Promise<InvitationView> {
    return officer.invite(this.#device, request);
  }

  importOrgKey(seed: string): Promise<void> {
    return officer.importOrgKey(this.#device, seed);
  }

  auditEvents(filter: { readonly type?: string; readonly org?: string }): Promise<AuditView> {
    return auditEvents(this.#device, filter);
  }

  watchedDevices(): Promise<readonly WatchDeviceRow[]> {
    return watch.watchedDevices(this.#device);
  }

  watchActivity(device: string, period: 'day' | 'week'): Promise<WatchActivityView> {
    return watch.watchActivity(this.#device, device, period);
  }

  releaseDevice(device: string, reason: string): Promise<void> {
    return watch.setWatchState(this.#device, device, 'release', reason);
  }

  suspendDevice(device: string, reason: string): Promise<void> {
    return watch.setWatchState(this.#device, device, 'suspend', reason);
  }

  async followWatch(): Promise<void> {
    this.#watch.start(this.#device);
  }

  async stopWatch(): Promise<void> {
    this.#watch.stop();
  }

  plantCanary(request: {
    readonly user: string;
    readonly subject: string;
    readonly body: string;
    readonly reason: string;
  }): Promise<{ readonly id: string; readonly reference: string }> {
    return watch.plantCanaryFor(this.#device, request);
  }

  async followInbox(): Promise<void> {
    this.#inbox.start(this.#device);
  }

  async stopInbox(): Promise<void> {
    this.#inbox.stop();
  }

  startWatchStepUp(): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return watch.startWatchStepUp(this.#device);
  }

  finishWatchStepUp(passkey: unknown): Promise<void> {
    return watch.finishWatchStepUp(this.#device, passkey);
  }

  securityOfficers(): Promise<readonly OfficerContact[]> {
    return watch.securityOfficers(this.#device);
  }

  procedure(id: string): Promise<ProcedureView> {
    return procedures.procedure(this.#device, id);
  }

  breakSilence(id: string, reason: string): Promise<{ readonly reference: string }> {
    return procedures.breakSilence(this.#device, id, reason);
  }

  extendSilence(id: string, deadline: number, note: string): Promise<{ readonly reference: string }> {
    return procedures.extendSilence(this.#device, id, deadline, note);
  }

  withdrawSilence(id: string, reason: string): Promise<{ readonly reference: string }> {
    return procedures.withdrawSilence(this.#device, id, reason);
  }

  thread(id: string): Promise<readonly ThreadEntry[]> {
    return threads.thread(this.#device, id);
  }

  replyDraft(reference: string): Promise<ReplyStart> {
    return threads.replyDraft(this.#device, reference);
  }

  resolveReference(reference: string): Promise<string> {
    return threads.resolveReference(this.#device, reference);
  }
}
