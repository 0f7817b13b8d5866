// slow: sleeps SLEEP_MS (default 5000), past a short function timeout; {"sleepMs": n} overrides.
export const handler = async (event) => {
  const sleepMs = Number(event?.sleepMs ?? process.env.SLEEP_MS ?? 5000);
  await new Promise((resolve) => setTimeout(resolve, sleepMs));
  return { sleptMs: sleepMs };
};
