/**
 * The verified directory as the compose and officer pages show it: the organisations in
 * force, the working groups anyone belongs to, and the people with their clearances.
 */
import type { Directory } from '../core/identity/directory.ts';
import type { DirectoryView } from './device-protocol.ts';

export function directoryView(directory: Directory): DirectoryView {
  const orgs = new Map<string, string>();
  const people = new Map<string, DirectoryView['people'][number]>();
  for (const entry of directory.entries) {
    const body = entry.body;
    const org = body.kind === 'org' ? directory.org(body.org) : undefined;
    if (org) orgs.set(org.org, org.name);
    const user = body.kind === 'user' ? directory.user(body.user) : undefined;
    if (user) {
      people.set(user.user, {
        user: user.user,
        name: user.name,
        org: user.org,
        role: user.role,
        clearance: user.clearance,
        groups: user.groups,
      });
    }
  }
  const groups = new Set([...people.values()].flatMap((p) => p.groups));
  return {
    orgs: [...orgs].map(([org, name]) => ({ org, name })),
    groups: [...groups].sort(),
    people: [...people.values()],
  };
}
