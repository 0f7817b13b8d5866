// hello: a greeting with the invocation's request id. INIT_MS = milliseconds of busy work at
// module load, to make cold starts as slow as a real function's init.
const initMs = Number(process.env.INIT_MS ?? 0);
const until = Date.now() + initMs;
while (Date.now() < until) {
  // busy init work, as a real function loading its dependencies would do
}
const loadedAt = new Date().toISOString();

export const handler = async (event, context) => {
  return {
    message: `hello ${event?.name ?? 'world'}`,
    requestId: context.awsRequestId,
    loadedAt,
  };
};
