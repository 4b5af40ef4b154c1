// The answer's bar chart: one bar per released row of the chosen noised column, with its 95%
// interval drawn as an error bar (Apache ECharts, from its webjar; canvas, no HTML from data).
import * as echarts from '/webjars/echarts/5.3.1/dist/echarts.esm.min.js';

let chart = null;

export function drawChart(container, answer, columnIndex) {
  const keyIndexes = answer.columns.map((column, index) => (column.noised ? -1 : index)).filter((index) => index >= 0);
  const labels = answer.rows.map((row, rowIndex) =>
    keyIndexes.length ? keyIndexes.map((index) => String(row[index])).join(' / ') : 'row ' + (rowIndex + 1));
  const values = answer.rows.map((row) => Number(row[columnIndex]));
  const intervals = answer.rows.map((row, rowIndex) => {
    const interval = answer.intervals && answer.intervals[rowIndex] ? answer.intervals[rowIndex][columnIndex] : null;
    return interval ? [rowIndex, Number(interval[0]), Number(interval[1])] : null;
  }).filter((interval) => interval !== null);
  const name = answer.columns[columnIndex].name;

  if (chart === null || chart.getDom() !== container) {
    chart = echarts.init(container, null, { renderer: 'canvas' });
  }
  chart.setOption({
    animation: false,
    aria: { enabled: true },
    textStyle: { color: '#1a1a1a' },
    title: { text: name + ' with 95% intervals', textStyle: { fontSize: 14, color: '#1a1a1a' } },
    tooltip: { trigger: 'item', renderMode: 'richText' },
    grid: { left: 70, right: 20, top: 40, bottom: 70 },
    xAxis: { type: 'category', data: labels, axisLabel: { rotate: labels.length > 8 ? 40 : 0, color: '#1a1a1a' } },
    yAxis: { type: 'value', axisLabel: { color: '#1a1a1a' } },
    series: [
      { type: 'bar', name, data: values, itemStyle: { color: '#0b4f8a' } },
      {
        type: 'custom',
        name: '95% interval',
        data: intervals,
        encode: { x: 0, y: [1, 2] },
        z: 10,
        renderItem: (params, api) => {
          const low = api.coord([api.value(0), api.value(1)]);
          const high = api.coord([api.value(0), api.value(2)]);
          const half = api.size([1, 0])[0] * 0.15;
          const style = { stroke: '#c25100', lineWidth: 2 };
          return {
            type: 'group',
            children: [
              { type: 'line', shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style },
              { type: 'line', shape: { x1: low[0] - half, y1: low[1], x2: low[0] + half, y2: low[1] }, style },
              { type: 'line', shape: { x1: high[0] - half, y1: high[1], x2: high[0] + half, y2: high[1] }, style },
            ],
          };
        },
      },
    ],
  }, true);
  container.dataset.bars = String(values.length);
  container.dataset.errorBars = String(intervals.length);
  container.setAttribute('aria-label', 'Bar chart of ' + name + ' by ' + (keyIndexes.map((i) => answer.columns[i].name).join(' and ') || 'row') + ', with 95% intervals');
}
