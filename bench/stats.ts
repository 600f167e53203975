/** The q-th quantile (0 to 1) of some figures, nearest rank: the same rule as `load` uses for latencies. */
export function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** A comma-separated list of whole numbers from the environment, like BENCH_SIZES=12000,200000. */
export function numberList(value: string | undefined, fallback: number[]): number[] {
  if (!value?.trim()) return fallback;
  const numbers = value.split(',').map((entry) => Number(entry.trim().replaceAll('_', '')));
  if (numbers.some((number) => !Number.isInteger(number) || number <= 0))
    throw new Error(`Expected a list of whole numbers like 12000,200000, not "${value}"`);
  return numbers;
}
