/**
 * What a module asks the transparency log to append: a type, the subject it is about, and the fields of its
 * canonical-JSON body. A file of its own so that code run outside the server (the browser's draw verifier, via
 * lottery/log-entries.ts) can name it without pulling in the log's storage.
 */
export interface LogEntryInput {
  readonly type: string;
  readonly subject: string;
  readonly fields: Readonly<Record<string, unknown>>;
}
