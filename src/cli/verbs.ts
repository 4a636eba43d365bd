/** Every verb of `valise`, in the order `--help` lists them. */
import type { Verb } from './verb.ts';
import { ackVerb } from './verbs/ack.ts';
import { acksVerb } from './verbs/acks.ts';
import { agentStartVerb, agentStatusVerb, agentStopVerb } from './verbs/agent.ts';
import { approveVerb } from './verbs/approve.ts';
import { auditEventsVerb } from './verbs/audit-events.ts';
import { auditVerifyVerb } from './verbs/audit-verify.ts';
import { auditWitnessVerb } from './verbs/audit-witness.ts';
import { canaryListVerb, canaryPlantVerb } from './verbs/canary.ts';
import { devicesVerb } from './verbs/devices.ts';
import { enrolVerb } from './verbs/enrol.ts';
import { inboxVerb } from './verbs/inbox.ts';
import { inviteVerb } from './verbs/invite.ts';
import { networkEnrol } from './verbs/network-enrol.ts';
import { networkInit } from './verbs/network-init.ts';

import { networkPresidency } from './verbs/network-presidency.ts';

import { officerConfirmVerb, officerPendingVerb, officerRefuseVerb } from './verbs/officer.ts';
import { orgCertify } from './verbs/org-certify.ts';
import { orgRequest } from './verbs/org-request.ts';

import { readVerb } from './verbs/read.ts';
import { revokeVerb } from './verbs/revoke.ts';
import { sendVerb } from './verbs/send.ts';
import { serveVerb } from './verbs/serve.ts';
import { silenceExtendVerb, silenceObjectVerb, silenceWithdrawVerb } from './verbs/silence-act.ts';
import { silenceOpenVerb } from './verbs/silence-open.ts';
import { silenceStatusVerb } from './verbs/silence-status.ts';
import { watchVerb } from './verbs/watch.ts';

export const VERBS: readonly Verb[] = [
  networkInit,
  orgRequest,
  orgCertify,
  networkEnrol,
  inviteVerb,
  enrolVerb,
  approveVerb,
  officerPendingVerb,
  officerConfirmVerb,
  officerRefuseVerb,
  devicesVerb,
  revokeVerb,
  sendVerb,
  inboxVerb,
  readVerb,
  ackVerb,
  acksVerb,
  auditEventsVerb,
  auditVerifyVerb,
  auditWitnessVerb,
  watchVerb,
  agentStartVerb,
  agentStatusVerb,
  agentStopVerb,
  serveVerb,
  canaryPlantVerb,
  canaryListVerb,
  networkPresidency,
  silenceOpenVerb,
  silenceExtendVerb,
  silenceWithdrawVerb,
  silenceObjectVerb,
  silenceStatusVerb,
];
