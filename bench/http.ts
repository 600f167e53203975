import autocannon from 'autocannon';

export type LoadResult = { requestsPerSecond: number; p50: number; p95: number; errors: number; non2xx: number };

/**
 * Loads one URL on localhost for a bounded time and reports throughput and latency percentiles (ms). With `paths`,
 * each connection requests those paths on the URL's server in turn, round and round, instead of the URL's own path.
 */
export async function load(url: string, seconds: number, connections = 10, paths?: string[]): Promise<LoadResult> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url, connections, duration: seconds, ...(paths ? { requests: paths.map((path) => ({ path })) } : {}) },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
    });
  });
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    requestsPerSecond: result.requests.average,
    p50: at(0.5),
    p95: at(0.95),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
