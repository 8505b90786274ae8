/** Finding secrets where they do not belong (test/faults/secrets.test.ts). */
import type { RecordedRequest } from '../fakes/nemo-types.ts';

export interface Secret {
  name: string;
  value: string;
}

export interface Place {
  where: string;
  text: string;
}

/** Every secret found in every place, as "what in where"; [] when none leaked. */
export function leaks(secrets: Secret[], places: Place[]): string[] {
  const found: string[] = [];
  for (const place of places) {
    for (const secret of secrets) {
      if (secret.value.length >= 6 && place.text.includes(secret.value))
        found.push(`${secret.name} in ${place.where}`);
    }
  }
  return found;
}

/** Log lines as places, numbered. */
export function logPlaces(lines: string[], source: string): Place[] {
  return lines.map((line, index) => ({ where: `${source} log line ${index + 1}`, text: line }));
}

/**
 * A request to the fake NemoVideo as places: everything it carried except its Authorization
 * header, the one place the NemoVideo token belongs (checked separately).
 */
export function nemoRequestPlaces(requests: RecordedRequest[]): Place[] {
  return requests.map((request, index) => {
    const { authorization: _, ...headers } = request.headers;
    return {
      where: `NemoVideo request ${index + 1} (${request.method} ${request.path})`,
      text: JSON.stringify({ ...request, headers }),
    };
  });
}

/** Tokens the NemoVideo requests were authorized with, by route (none may reach the CDN route). */
export function bearerTokens(requests: RecordedRequest[]): string[] {
  return requests.flatMap((request) => /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? []);
}
