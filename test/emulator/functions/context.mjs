// Returns what the runtime gave it: context fields, Lambda environment variables, cwd.
export const handler = async (event, context) => {
  console.log('hello from the handler', { n: 1 });
  console.error('an error line');
  if (event.printMB) {
    const line = 'x'.repeat(1023) + '\n';
    for (let i = 0; i < event.printMB * 1024; i++) process.stdout.write(line);
    console.log('last line after megabytes');
  }
  return {
    awsRequestId: context.awsRequestId,
    functionName: context.functionName,
    functionVersion: context.functionVersion,
    memoryLimitInMB: context.memoryLimitInMB,
    invokedFunctionArn: context.invokedFunctionArn,
    logGroupName: context.logGroupName,
    logStreamName: context.logStreamName,
    callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
    remainingMs: context.getRemainingTimeInMillis(),
    clientContext: context.clientContext,
    cwd: process.cwd(),
    env: {
      LAMBDA_TASK_ROOT: process.env.LAMBDA_TASK_ROOT,
      _HANDLER: process.env._HANDLER,
      AWS_LAMBDA_RUNTIME_API: process.env.AWS_LAMBDA_RUNTIME_API,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      AWS_REGION: process.env.AWS_REGION,
      TZ: process.env.TZ,
      MY_VAR: process.env.MY_VAR,
    },
    heapLimitMB: Math.round((await import('node:v8')).getHeapStatistics().heap_size_limit / 1048576),
    event,
  };
};
