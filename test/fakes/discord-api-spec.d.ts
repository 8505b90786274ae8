/**
 * `discord-api-spec/zod` ships JavaScript only (zod mini schemas, one export per type of Discord's
 * published OpenAPI spec). The fake Discord looks schemas up by name, so this is all it needs.
 */
declare module 'discord-api-spec/zod' {
  export interface SpecIssue {
    path: PropertyKey[];
    message: string;
  }
  export interface SpecSchema {
    safeParse(value: unknown): { success: true } | { success: false; error: { issues: SpecIssue[] } };
  }
}
