/** The fake's route table: which method and path is which route, and which ones need a token. */
import type { RouteName } from './nemo-types.ts';

interface Route {
  name: RouteName;
  method: 'GET' | 'POST';
  pattern: RegExp;
  /** Needs `Authorization: Bearer <token>`. */
  auth: boolean;
}

const routes: Route[] = [
  { name: 'anonymousToken', method: 'POST', pattern: /^\/api\/auth\/anonymous-token$/, auth: false },
  {
    name: 'createSession',
    method: 'POST',
    pattern: /^\/api\/tasks\/me\/with-session\/nemo_agent$/,
    auth: true,
  },
  { name: 'claimToken', method: 'POST', pattern: /^\/api\/auth\/claim-token$/, auth: true },
  {
    name: 'upload',
    method: 'POST',
    pattern: /^\/api\/upload-video\/nemo_agent\/me\/(?<sessionId>[^/]+)$/,
    auth: true,
  },
  { name: 'credits', method: 'GET', pattern: /^\/api\/credits\/balance\/simple$/, auth: true },
  {
    name: 'state',
    method: 'GET',
    pattern: /^\/api\/state\/nemo_agent\/me\/(?<sessionId>[^/]+)\/latest$/,
    auth: true,
  },
  { name: 'chat', method: 'POST', pattern: /^\/run_sse$/, auth: true },
  { name: 'renderSubmit', method: 'POST', pattern: /^\/api\/render\/proxy\/lambda$/, auth: true },
  {
    name: 'renderStatus',
    method: 'GET',
    pattern: /^\/api\/render\/proxy\/lambda\/(?<id>[^/]+)$/,
    auth: true,
  },
  {
    name: 'renderCancel',
    method: 'POST',
    pattern: /^\/api\/render\/proxy\/lambda\/(?<id>[^/]+)\/cancel$/,
    auth: true,
  },
  {
    name: 'renderDownload',
    method: 'GET',
    pattern: /^\/api\/render\/proxy\/(?<id>[^/]+)\/download$/,
    auth: true,
  },
  // The render's output URL stands for a signed CDN link: no token.
  { name: 'renderFile', method: 'GET', pattern: /^\/files\/(?<id>[^/]+)\.mp4$/, auth: false },
];

export interface RouteMatch {
  name: RouteName;
  auth: boolean;
  params: Record<string, string>;
}

export function matchRoute(method: string, path: string): RouteMatch | undefined {
  for (const route of routes) {
    const match = route.method === method ? route.pattern.exec(path) : null;
    if (!match) continue;
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(match.groups ?? {})) params[key] = decodeURIComponent(value);
    return { name: route.name, auth: route.auth, params };
  }
  return undefined;
}
