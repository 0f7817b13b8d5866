/** Samples this process's memory while something runs: the peak growth over the start, in MB. */
export async function peakGrowthMB<T>(work: () => Promise<T>): Promise<{ value: T; rssMB: number; heapMB: number }> {
  const start = process.memoryUsage();
  let rss = start.rss;
  let heap = start.heapUsed;
  const sample = (): void => {
    const now = process.memoryUsage();
    if (now.rss > rss) rss = now.rss;
    if (now.heapUsed > heap) heap = now.heapUsed;
  };
  const timer = setInterval(sample, 20);
  try {
    const value = await work();
    sample();
    return { value, rssMB: (rss - start.rss) / 2 ** 20, heapMB: (heap - start.heapUsed) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}
