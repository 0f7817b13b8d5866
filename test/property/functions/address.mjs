// Tells its Runtime API address and its pid, so a test can speak to the Runtime API itself.
export const handler = async () => ({ api: process.env.AWS_LAMBDA_RUNTIME_API, pid: process.pid });
