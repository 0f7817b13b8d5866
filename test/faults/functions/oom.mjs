// Allocates until the heap limit (the function's memory size) kills the process.
export const handler = async () => {
  const hoard = [];
  for (;;) hoard.push(new Array(1_000_000).fill(hoard.length));
};
