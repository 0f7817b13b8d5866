// Function URL test handler: echoes the event with a custom status, or returns a plain value, or fails.
export const handler = async (event) => {
  if (event.rawPath === '/plain') return { plain: true };
  if (event.rawPath === '/fail') throw new Error('url failure');
  return { statusCode: 201, headers: { 'X-Custom': 'yes', 'content-type': 'application/json' }, body: JSON.stringify(event) };
};
