// Writes about 8 MB of log lines per invocation, then answers.
const line = 'x'.repeat(1023);
export const handler = async () => {
  for (let i = 0; i < 8 * 1024; i++) console.log(line);
  return { ok: true };
};
