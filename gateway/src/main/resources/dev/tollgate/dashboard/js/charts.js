// Charts drawn with uPlot (served by the gateway from its WebJar; the page names its versioned path).
import { usd, int } from './format.js';

const uPlot = (await import(document.querySelector('meta[name="tollgate-uplot"]').content)).default;
const HEIGHT = 240;

function sized(container, make) {
  let chart = null;
  const observer = new ResizeObserver(() => chart && chart.setSize({ width: container.clientWidth, height: HEIGHT }));
  observer.observe(container);
  return (data, extra) => {
    if (chart) chart.destroy();
    chart = make(Math.max(container.clientWidth, 200), data, extra);
    container.replaceChildren(chart.root);
  };
}

/** Cost (line, left axis) and tokens (bars, right axis) per bucket; x in seconds, labelled in UTC. */
export function timeChart(container) {
  const draw = sized(container, (width, data) => new uPlot({
    width,
    height: HEIGHT,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
    scales: { tokens: { auto: true } },
    series: [
      {},
      { label: 'Cost', scale: '$', stroke: '#1f4e79', width: 2, value: (u, v) => (v === null ? '' : usd(v)) },
      { label: 'Tokens', scale: 'tokens', stroke: '#8fb3d9', fill: 'rgba(143,179,217,0.35)', paths: uPlot.paths.bars({ size: [0.8, 40] }),
        value: (u, v) => (v === null ? '' : int(v)) },
    ],
    axes: [
      {},
      { scale: '$', values: (u, splits) => splits.map((v) => usd(v)), size: 70 },
      { scale: 'tokens', side: 1, grid: { show: false }, values: (u, splits) => splits.map((v) => int(v)), size: 70 },
    ],
  }, data));
  return {
    set(buckets) {
      draw([buckets.map((b) => Date.parse(b.start) / 1000), buckets.map((b) => b.cost_usd), buckets.map((b) => b.total_tokens)]);
    },
  };
}

/** One bar per label (cost), largest first as the API orders them. */
export function barChart(container) {
  const draw = sized(container, (width, data, labels) => new uPlot({
    width,
    height: HEIGHT,
    scales: { x: { time: false, range: () => [-0.5, Math.max(labels.length, 1) - 0.5] } },
    legend: { show: false },
    series: [{}, { label: 'Cost', stroke: '#1f4e79', fill: 'rgba(31,78,121,0.6)', paths: uPlot.paths.bars({ size: [0.7, 80] }) }],
    axes: [
      { values: (u, splits) => splits.map((i) => (Number.isInteger(i) ? (labels[i] ?? '') : '')), incrs: [1], rotate: labels.length > 5 ? -30 : 0,
        size: labels.length > 5 ? 80 : 40 },
      { values: (u, splits) => splits.map((v) => usd(v)), size: 70 },
    ],
  }, data));
  return {
    set(labels, values) {
      draw([labels.map((_, i) => i), values], labels);
    },
  };
}
