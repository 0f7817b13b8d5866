// Appends each event it receives to the file named by RECORD_FILE, one JSON line each, and
// answers with the event: tests read what reached the handler.
import { appendFileSync } from 'node:fs';

export const handler = async (event) => {
  appendFileSync(process.env.RECORD_FILE, `${JSON.stringify(event)}\n`);
  return { statusCode: 200, body: 'ok' };
};
