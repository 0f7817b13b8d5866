// A tiny handler for the example profiles: INIT_MS stretches the cold start.
const initMs = Number(process.env.INIT_MS ?? 0);
if (initMs > 0) await new Promise((done) => setTimeout(done, initMs));

export const handler = async (event) => ({ greeting: process.env.GREETING ?? 'hello', event });
