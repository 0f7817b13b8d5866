// cpu: CPU-bound work per invocation: WORK_MS milliseconds of spinning, or ITERATIONS rounds of
// hashing-like arithmetic when set (the event may override either: {"workMs": 20}).
export const handler = async (event) => {
  const iterations = Number(event?.iterations ?? process.env.ITERATIONS ?? 0);
  const workMs = Number(event?.workMs ?? process.env.WORK_MS ?? 10);
  let x = 0;
  if (iterations > 0) {
    const cpuBefore = process.cpuUsage();
    const startedMs = performance.now();
    for (let i = 0; i < iterations; i++) x = (x * 31 + i) % 1000003;
    const cpu = process.cpuUsage(cpuBefore);
    // CPU time against wall time shows the CPU share the environment got.
    return { iterations, x, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - startedMs };
  }
  const until = performance.now() + workMs;
  let rounds = 0;
  while (performance.now() < until) {
    x = (x * 31 + rounds++) % 1000003;
  }
  return { workMs, rounds, x };
};
