// A no-op Lambda handler for the emulator benchmarks: what is left of an invocation's latency is
// the platform's (the emulator's) and the client's own cost. The same function is also called
// in-process, as the baseline an Invoke is compared with.
export const handler = async () => ({ ok: true });
