/**
 * The app's places, in the URL fragment: it never reaches a server or its logs, which is
 * where an enrolment code must stay. (A demo officer's organisation key is taken out of the
 * fragment before the app reads it: demo-org-key.ts.)
 */
export type Route =
  | { readonly page: 'inbox' }
  | { readonly page: 'cable'; readonly id: string }
  | { readonly page: 'compose'; readonly replyTo?: string }
  | { readonly page: 'officer' }
  | { readonly page: 'watch' }
  | { readonly page: 'audit' }
  | { readonly page: 'procedure'; readonly id: string }
  | { readonly page: 'enrol'; readonly code: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  switch (parts[0]) {
    case 'cable':
      // An id, or a reference (`#/cable/DE/1/26`, see reference-link.tsx).
      return parts[1] ? { page: 'cable', id: parts.slice(1).join('/') } : { page: 'inbox' };
    case 'compose':
      return parts[1] ? { page: 'compose', replyTo: parts.slice(1).join('/') } : { page: 'compose' };
    case 'officer':
      return { page: 'officer' };
    case 'audit':
      return { page: 'audit' };
    case 'watch':
      return { page: 'watch' };
    case 'procedure':
      return parts[1] ? { page: 'procedure', id: parts[1] } : { page: 'inbox' };
    case 'enrol':
      return parts[1] ? { page: 'enrol', code: parts[1] } : { page: 'inbox' };
    default:
      return { page: 'inbox' };
  }
}

export function go(path: string): void {
  window.location.hash = `#/${path}`;
}
