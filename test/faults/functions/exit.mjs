// Exits in the middle of every invocation.
export const handler = async () => {
  console.log('exiting mid-invoke');
  process.exit(3);
};
