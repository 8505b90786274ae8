/**
 * Discord's published REST API spec as the fake's route table: which route a request path is, and
 * the schema its body must satisfy.
 *
 * The discord-api-spec package ships the zod schemas by type name (`MessageCreateRequestSchema`)
 * and says which type each route takes only in its TypeScript declarations (`interface Paths`).
 * This module reads those declarations once and joins the two, so every request discord.js makes
 * is checked against the schema Discord publishes for that route — none is picked by hand.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpecSchema } from 'discord-api-spec/zod';
import * as zodSchemas from 'discord-api-spec/zod';

type BodyRule =
  | { kind: 'none' }
  /** The spec spells the body out inline, without a named schema. */
  | { kind: 'inline' }
  | { kind: 'typed'; types: Array<{ name: string; array: boolean }>; nullable: boolean };

export interface SpecRoute {
  method: string;
  /** As the spec writes it: `/channels/{channel_id}/messages`. */
  template: string;
  body: BodyRule;
  pattern: RegExp;
  /** Segments without a parameter: `@original` beats `{message_id}`. */
  literals: number;
}

const specDeclarations = join(
  import.meta.dirname,
  '../../node_modules/discord-api-spec/build/discord-api-spec.ts',
);
const schemas = zodSchemas as unknown as Record<string, SpecSchema | undefined>;

function bodyRule(text: string): BodyRule {
  const parts = text
    .replace(/;$/, '')
    .split('|')
    .map((part) => part.trim())
    .filter(Boolean);
  if (parts.length === 1 && parts[0] === 'undefined') return { kind: 'none' };
  return {
    kind: 'typed',
    nullable: parts.includes('null'),
    types: parts
      .filter((part) => part !== 'null')
      .map((part) => ({ name: part.replace(/\[\]$/, ''), array: part.endsWith('[]') })),
  };
}

function routeFor(method: string, template: string, body: BodyRule): SpecRoute {
  const segments = template.split('/').filter(Boolean);
  const pattern = segments
    .map((segment) =>
      /^\{.+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, (char) => `\\${char}`),
    )
    .join('/');
  return {
    method,
    template,
    body,
    pattern: new RegExp(`^/${pattern}$`),
    literals: segments.filter((segment) => !segment.startsWith('{')).length,
  };
}

/** Reads `interface Paths` of the spec's declarations: path → method → `requestBody?: …;`. */
function loadRoutes(): SpecRoute[] {
  const source = readFileSync(specDeclarations, 'utf8');
  const start = source.indexOf('export interface Paths {');
  if (start < 0) throw new Error(`no "interface Paths" in ${specDeclarations}`);
  const routes: SpecRoute[] = [];
  let template = '';
  let method = '';
  let pending: string | undefined;
  for (const line of source.slice(start).split('\n').slice(1)) {
    if (line === '}') break;
    const path = /^ {2}"(\/[^"]*)": \{$/.exec(line);
    if (path) template = path[1] as string;
    const verb = /^ {4}(get|put|post|patch|delete): \{$/.exec(line);
    if (verb) method = (verb[1] as string).toUpperCase();
    if (pending !== undefined) {
      pending += ` ${line.trim()}`;
      if (pending.endsWith(';')) {
        routes.push(routeFor(method, template, bodyRule(pending)));
        pending = undefined;
      }
      continue;
    }
    const body = /^ {6}requestBody\?:(.*)$/.exec(line)?.[1]?.trim();
    if (body === undefined) continue;
    if (body === '{') routes.push(routeFor(method, template, { kind: 'inline' }));
    else if (body.endsWith(';')) routes.push(routeFor(method, template, bodyRule(body)));
    else pending = body;
  }
  return routes.sort((a, b) => b.literals - a.literals);
}

let routes: SpecRoute[] | undefined;

/** The spec's route for a request (path without `/api/v10`), or undefined when it has none. */
export function specRoute(method: string, path: string): SpecRoute | undefined {
  routes ??= loadRoutes();
  return routes.find((route) => route.method === method && route.pattern.test(path));
}

function describeIssues(name: string, issues: Array<{ path: PropertyKey[]; message: string }>): string {
  const listed = issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`);
  return `${name}: ${listed.join('; ')}`;
}

/**
 * Problems of `body` against the route's published schema; [] when it is valid. `body` is
 * undefined when the request had none.
 */
export function validateBody(route: SpecRoute, body: unknown): string[] {
  const where = `${route.method} ${route.template}`;
  const rule = route.body;
  if (body === undefined) return [];
  if (rule.kind === 'none') return [`${where}: the spec defines no body, but one was sent`];
  if (rule.kind === 'inline') return [`${where}: the spec has no named schema for this body`];
  if (body === null && rule.nullable) return [];
  const failures: string[] = [];
  for (const { name, array } of rule.types) {
    const schema = schemas[`${name}Schema`];
    if (!schema) {
      failures.push(`${name}: no such schema in discord-api-spec/zod`);
      continue;
    }
    if (array && !Array.isArray(body)) {
      failures.push(`${name}[]: expected an array`);
      continue;
    }
    const items = array ? (body as unknown[]) : [body];
    const issues = items.flatMap((item, index) => {
      const result = schema.safeParse(item);
      return result.success
        ? []
        : result.error.issues.map((issue) => ({
            ...issue,
            path: array ? [index, ...issue.path] : issue.path,
          }));
    });
    if (issues.length === 0) return [];
    failures.push(describeIssues(array ? `${name}[]` : name, issues));
  }
  return [`${where}: the body matches no published schema — ${failures.join(' | ')}`];
}
