/**
 * Valise's rules on top of the generic log maths (core/log/merkle) and notes (core/log/checkpoint):
 * key names, the directory extension line of checkpoints, audit-event leaves, how a
 * directory entry is committed (key transparency), and the whole-log audit.
 */
export { directoryEpochOf, directoryExtension } from './directory-extension.ts';
export { commitsDirectoryEntry, DIRECTORY_EVENT_TYPE, directoryEntryHash } from './directory-leaf.ts';
export {
  AUDIT_PROBLEMS,
  type AuditProblem,
  type AuditProblemCode,
  type AuditReport,
  CORE_HASHER,
  type LeafRecord,
  LogAuditor,
  type LogAuditorOptions,
  type TreeHasher,
} from './log-auditor.ts';
export { decodeLogEvent, type LogEvent, MAX_EVENT_BYTES, parseLogEvent } from './log-event.ts';
export { logOrigin, witnessKeyName } from './log-names.ts';
export { witnessVerifiers } from './witness-keys.ts';
