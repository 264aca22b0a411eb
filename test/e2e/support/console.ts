/**
 * Chromium logs every non-2xx fetch as a console error ("Failed to load resource: the server responded with a
 * status of 422"). A journey that submits a bad form on purpose gets those from the API's refusals, which the page
 * shows in place; they are not errors of the app. Everything else (script errors, 5xx, failed asset loads) counts.
 */
export function appConsoleErrors(messages: readonly string[]): string[] {
  return messages.filter((m) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(m));
}
