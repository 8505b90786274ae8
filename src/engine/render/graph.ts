/**
 * Writing ffmpeg filtergraphs safely. A value goes through two parsers: the filter's option list
 * (`key=value:key=value`, where `\`, `'` and `:` are special) and then the graph (where `\`, `'`,
 * `[`, `]`, `,` and `;` are), so it is escaped for the first and the whole option list for the
 * second (ffmpeg-filters, "Notes on filtergraph escaping"). Expressions full of commas and file
 * paths with any characters then need no quoting at the call sites.
 */

export type OptionValue = string | number | undefined;

/** Level 1: a value inside a filter's option list. */
export function escapeValue(value: string): string {
  return value.replace(/[\\':]/g, '\\$&');
}

/** Level 2: a filter's whole option list inside a filtergraph. */
export function escapeOptions(options: string): string {
  return options.replace(/[\\'[\],;]/g, '\\$&');
}

/** `name=key=value:…`, escaped; options whose value is `undefined` are left out. */
export function filter(name: string, options: Record<string, OptionValue> = {}): string {
  const list = Object.entries(options)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${escapeValue(typeof value === 'number' ? num(value) : value)}`)
    .join(':');
  return list ? `${name}=${escapeOptions(list)}` : name;
}

/** One chain of the graph: `[in]f1,f2[out]`. */
export function chain(inputs: string[], filters: string[], outputs: string | string[]): string {
  const labels = (list: string[]) => list.map((label) => `[${label}]`).join('');
  return `${labels(inputs)}${filters.join(',')}${labels(typeof outputs === 'string' ? [outputs] : outputs)}`;
}

/** A number as ffmpeg reads it: no exponent, at most 6 decimals (microseconds for seconds). */
export function num(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return Number.isInteger(value) ? String(value) : value.toFixed(6).replace(/\.?0+$/, '');
}

export function even(value: number): number {
  return 2 * Math.round(value / 2);
}
