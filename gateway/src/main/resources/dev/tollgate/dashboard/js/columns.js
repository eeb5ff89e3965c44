// The columns of the API's totals (cost-summary, breakdown rows, time-series buckets), for tables.
import { usd, int, ms } from './format.js';

export const TOTALS = [
  { key: 'requests', label: 'Requests', num: true, fmt: int },
  { key: 'errors', label: 'Errors', num: true, fmt: int },
  { key: 'input_tokens', label: 'Input tokens', num: true, fmt: int },
  { key: 'output_tokens', label: 'Output tokens', num: true, fmt: int },
  { key: 'cached_tokens', label: 'Cached tokens', num: true, fmt: int },
  { key: 'total_tokens', label: 'Tokens', num: true, fmt: int },
  { key: 'cost_usd', label: 'Cost', num: true, fmt: usd },
  { key: 'cache_savings_usd', label: 'Cache savings', num: true, fmt: usd },
  { key: 'cache_hits', label: 'Cache hits', num: true, fmt: int },
  { key: 'avg_latency_ms', label: 'Avg latency', num: true, fmt: ms },
];
