/**
 * The demo-only shortcut of `npm start` (docs/design.md §5, §11): a demo officer's enrolment
 * link carries the organisation key in its fragment, `#/enrol/<code>/org-key/<key>`. The page
 * takes it out of the address bar (history.replaceState) before anything else runs, so it is
 * in no history entry, bookmark or screenshot of the address bar, and keeps it in memory only
 * for the enrolment page, which uses it only if the node says it runs the demo network.
 */
export function takeDemoOrgKey(
  location: Pick<Location, 'hash' | 'pathname' | 'search'>,
  history: Pick<History, 'replaceState'>,
): string | undefined {
  const match = /^#\/enrol\/([^/]+)\/org-key\/([^/]*)/.exec(location.hash);
  if (!match) return undefined;
  history.replaceState(null, '', `${location.pathname}${location.search}#/enrol/${match[1]}`);
  return match[2] ? decodeURIComponent(match[2]) : undefined;
}
