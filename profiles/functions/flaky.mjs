// flaky: throws for a share of invocations. FAIL_RATE in [0, 1] (default 0.2); the event may
// force an outcome with {"fail": true|false}.
const failRate = Number(process.env.FAIL_RATE ?? 0.2);

export const handler = async (event, context) => {
  const fail = typeof event?.fail === 'boolean' ? event.fail : Math.random() < failRate;
  if (fail) throw new Error(`flaky failure in ${context.awsRequestId}`);
  return { ok: true, requestId: context.awsRequestId };
};
