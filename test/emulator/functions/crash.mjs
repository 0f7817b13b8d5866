// Exits in the middle of an invocation, or crashes from an uncaught exception in a timer.
export const handler = async (event) => {
  if (event.exit !== undefined) {
    console.log('about to exit');
    process.exit(event.exit);
  }
  if (event.uncaught) {
    setTimeout(() => {
      throw new Error('thrown from a timer');
    }, 1);
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
  return { alive: true, pid: process.pid };
};
