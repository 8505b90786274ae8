/**
 * What a person reads when something fails: a short sentence in their language with the next
 * step. Never a stack trace, a code, or raw JSON.
 */
import { formatList, isNemoError } from '../nemo/index.ts';
import { formatBytes, messages } from './messages.ts';
import type { Language } from './seam.ts';

export interface ErrorContext {
  uploadMaxBytes: number;
  /** Set when the bot runs on an anonymous token: running out of credits then means "register". */
  claimUrl?: string | undefined;
}

export function describeError(error: unknown, language: Language, context: ErrorContext): string {
  const text = messages(language).errors;
  if (!isNemoError(error)) return text.unexpected;
  switch (error.key) {
    case 'no_credits':
      return context.claimUrl ? text.no_credits_anonymous({ url: context.claimUrl }) : text.no_credits;
    case 'unsupported_file':
      return text.unsupported_file({ formats: formatList() });
    case 'file_too_large':
      return text.file_too_large({ limit: formatBytes(context.uploadMaxBytes) });
    default:
      return text[error.key];
  }
}
