// Spins the CPU past any timeout, never yielding.
export const handler = async () => {
  for (;;);
};
