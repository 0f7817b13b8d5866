// hello: a greeting with the invocation's request id. INIT_MS = milliseconds of busy work at
// module load, to make cold starts as slow as a real function's init; WORK_MS = milliseconds
// each invocation waits (as for a downstream call) before it answers.
const initMs = Number(process.env.INIT_MS ?? 0);
const until = Date.now() + initMs;
while (Date.now() < until) {
  // busy init work, as a real function loading its dependencies would do
}
const loadedAt = new Date().toISOString();

const workMs = Number(process.env.WORK_MS ?? 0);

export const handler = async (event, context) => {
  if (workMs > 0) await new Promise((resolve) => setTimeout(resolve, workMs));
  return {
    message: `hello ${event?.name ?? 'world'}`,
    requestId: context.awsRequestId,
    loadedAt,
  };
};
