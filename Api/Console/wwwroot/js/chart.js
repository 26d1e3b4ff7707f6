// Charts drawn as inline SVG: stacked bars for usage, a line for the live status. Each has a text alternative.
const svgNs = 'http://www.w3.org/2000/svg';
export const colours = ['#0b5cad', '#8250df', '#1a7f37', '#bf8700', '#cf222e', '#0a7b83', '#6e7781', '#953800'];

function s(tag, attributes = {}, text) {
  const element = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  if (text !== undefined) element.textContent = text;
  return element;
}

/** labels: x labels; series: [{ name, values[] }] stacked in order. */
export function stackedBars(title, labels, series, format = v => String(v)) {
  const width = 720, height = 240, left = 56, bottom = 28, top = 10;
  const totals = labels.map((_, i) => series.reduce((sum, one) => sum + (one.values[i] ?? 0), 0));
  const max = Math.max(...totals, 0) || 1;
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${title}: total ${format(totals.reduce((a, b) => a + b, 0))}` });
  svg.append(s('title', {}, title));
  const plotHeight = height - bottom - top;
  for (const fraction of [0, 0.5, 1]) {
    const y = top + plotHeight * (1 - fraction);
    svg.append(s('line', { x1: left, x2: width, y1: y, y2: y, stroke: '#d0d7de' }));
    svg.append(s('text', { x: left - 4, y: y + 4, 'text-anchor': 'end' }, format(max * fraction)));
  }
  const slot = (width - left) / Math.max(labels.length, 1);
  const barWidth = Math.max(2, slot * 0.7);
  labels.forEach((label, i) => {
    let y = top + plotHeight;
    series.forEach((one, k) => {
      const value = one.values[i] ?? 0;
      if (value <= 0) return;
      const barHeight = plotHeight * value / max;
      y -= barHeight;
      const rect = s('rect', { x: left + i * slot + (slot - barWidth) / 2, y, width: barWidth, height: barHeight, fill: colours[k % colours.length] });
      rect.append(s('title', {}, `${label} · ${one.name}: ${format(value)}`));
      svg.append(rect);
    });
    const every = Math.ceil(labels.length / 12);
    if (i % every === 0) svg.append(s('text', { x: left + i * slot + slot / 2, y: height - 10, 'text-anchor': 'middle' }, label));
  });
  return svg;
}

export function legend(names) {
  const list = document.createElement('ul');
  list.className = 'legend';
  names.forEach((name, k) => {
    const item = document.createElement('li');
    const swatch = s('svg', { width: 12, height: 12, 'aria-hidden': 'true' });
    swatch.append(s('rect', { width: 12, height: 12, fill: colours[k % colours.length] }));
    item.append(swatch, ' ', name);
    list.append(item);
  });
  return list;
}

/** A small line chart of recent values (one or two series). */
export function sparkline(title, series, format = v => String(v)) {
  const width = 260, height = 70;
  const all = series.flatMap(one => one.values).filter(v => Number.isFinite(v));
  const max = Math.max(...all, 0) || 1;
  const last = series.map(one => `${one.name} ${format(one.values.at(-1))}`).join(', ');
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${title}: ${last}` });
  svg.append(s('title', {}, title));
  series.forEach((one, k) => {
    const points = one.values.map((v, i) => `${(i / Math.max(one.values.length - 1, 1)) * (width - 4) + 2},${height - 4 - (Number.isFinite(v) ? v : 0) / max * (height - 8)}`);
    svg.append(s('polyline', { points: points.join(' '), fill: 'none', stroke: colours[k % colours.length], 'stroke-width': 2 }));
  });
  return svg;
}
