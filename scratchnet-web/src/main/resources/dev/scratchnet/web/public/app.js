const pad = document.getElementById('pad');
const ctx = pad.getContext('2d');
let drawing = false, last = null, pending = false, again = false;

function clearPad() {
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, pad.width, pad.height);
  document.getElementById('digit').textContent = '';
  document.getElementById('bars').innerHTML = '';
  document.getElementById('error').textContent = '';
}
function point(e) {
  const r = pad.getBoundingClientRect();
  return { x: (e.clientX - r.left) * pad.width / r.width, y: (e.clientY - r.top) * pad.height / r.height };
}
pad.addEventListener('pointerdown', e => { drawing = true; last = point(e); pad.setPointerCapture(e.pointerId); stroke(last); });
pad.addEventListener('pointermove', e => { if (drawing) { stroke(point(e)); } });
['pointerup', 'pointercancel'].forEach(t => pad.addEventListener(t, () => { if (drawing) { drawing = false; predict(); } }));
function stroke(p) {
  ctx.strokeStyle = '#000'; ctx.lineWidth = 20; ctx.lineCap = 'round'; ctx.lineJoin = 'round';
  ctx.beginPath(); ctx.moveTo(last.x, last.y); ctx.lineTo(p.x + 0.01, p.y); ctx.stroke();
  last = p;
  if (!pending) { predict(); } else { again = true; }
}
function predict() {
  pending = true;
  pad.toBlob(async blob => {
    try {
      const res = await fetch('/api/predict', { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: blob });
      const body = await res.json();
      if (!res.ok) { document.getElementById('error').textContent = body.error; }
      else { document.getElementById('error').textContent = ''; show(body); }
    } catch (err) {
      document.getElementById('error').textContent = 'the server did not answer: ' + err;
    } finally {
      pending = false;
      if (again) { again = false; predict(); }
    }
  }, 'image/png');
}
function show(r) {
  document.getElementById('digit').textContent = r.digit;
  const bars = document.getElementById('bars');
  bars.innerHTML = '';
  r.probabilities.forEach((p, k) => {
    const row = document.createElement('div');
    row.className = 'bar' + (k === r.digit ? ' best' : '');
    row.innerHTML = `<span class="label">${k}</span><span class="track"><span class="fill" style="display:block;width:${(100 * p).toFixed(1)}%"></span></span><span>${(100 * p).toFixed(1)}%</span>`;
    bars.appendChild(row);
  });
  paint(document.getElementById('seen'), r.input, 28, 28, v => [255 * v, 255 * v, 255 * v]);
  const hc = document.getElementById('hidden'), maps = document.getElementById('maps');
  if (r.feature_maps) {
    showMaps(r.feature_maps, hc, maps);
    return;
  }
  maps.style.display = 'none';
  hc.style.display = '';
  const h = r.hidden, cols = Math.ceil(Math.sqrt(h.length)), rows = Math.ceil(h.length / cols);
  const max = Math.max(1e-6, ...h.map(Math.abs));
  hc.style.height = (168 * rows / cols) + 'px';
  paint(hc, h, cols, rows, v => v >= 0 ? [255 - 200 * v / max, 255 - 120 * v / max, 255] : [255, 255 + 200 * v / max, 255 + 200 * v / max]);
}
// A conv model's first layer: one small picture per filter's map, values in [0, 1], dark = strong.
function showMaps(fm, hc, maps) {
  hc.style.display = 'none';
  maps.style.display = 'grid';
  document.getElementById('hiddentitle').textContent = `First conv layer: ${fm.length} feature maps`;
  while (maps.children.length < fm.length) maps.appendChild(document.createElement('canvas'));
  while (maps.children.length > fm.length) maps.removeChild(maps.lastChild);
  fm.forEach((map, c) => {
    const rows = map.length, cols = map[0].length;
    paint(maps.children[c], map.flat(), cols, rows, v => [255 - 255 * v, 255 - 230 * v, 255 - 120 * v]);
  });
}
function paint(canvas, values, w, h, color) {
  canvas.width = w; canvas.height = h;
  const c = canvas.getContext('2d'), img = c.createImageData(w, h);
  for (let i = 0; i < w * h; i++) {
    const [r, g, b] = i < values.length ? color(values[i]) : [240, 240, 240];
    img.data[4 * i] = r; img.data[4 * i + 1] = g; img.data[4 * i + 2] = b; img.data[4 * i + 3] = 255;
  }
  c.putImageData(img, 0, 0);
}
document.getElementById('clear').addEventListener('click', () => { clearPad(); document.getElementById('testinfo').textContent = ''; });
// A test digit on the pad: a random one, or #digit=N in the address shows test digit N (links, screenshots).
async function testDigit(index) {
  const res = await fetch('/api/test-digit' + (index == null ? '' : '?index=' + index));
  const body = await res.json();
  if (!res.ok) { document.getElementById('error').textContent = body.error; return; }
  clearPad();
  const c = document.createElement('canvas');
  paint(c, body.input, 28, 28, v => [255 - 255 * v, 255 - 255 * v, 255 - 255 * v]);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(c, 0, 0, pad.width, pad.height);
  show(body);
  document.getElementById('testinfo').textContent =
    `MNIST test digit #${body.index}, labelled ${body.label}: ` + (body.digit === body.label ? 'right' : 'wrong');
}
document.getElementById('random').addEventListener('click', () => testDigit(null));
fetch('/api/mistakes').then(r => r.ok ? r.json() : null).then(m => {
  if (!m) { document.getElementById('random').disabled = true; return; }
  document.getElementById('mistakes').style.display = 'block';
  document.getElementById('total').textContent = `${m.total} of the test set; the first ${m.mistakes.length} shown`;
  const gallery = document.getElementById('gallery');
  m.mistakes.forEach(e => {
    const fig = document.createElement('figure');
    const c = document.createElement('canvas');
    paint(c, e.input, 28, 28, v => [255 * v, 255 * v, 255 * v]);
    fig.appendChild(c);
    const cap = document.createElement('figcaption');
    cap.textContent = `${e.label} → ${e.digit}`;
    fig.appendChild(cap);
    gallery.appendChild(fig);
  });
});
fetch('/api/model').then(r => r.json()).then(m => {
  const acc = m.test_accuracy == null ? '' : `, test accuracy ${(100 * m.test_accuracy).toFixed(2)}%`;
  const more = m.models && m.models.length > 1 ? ` — an ensemble of ${m.models.length} models voting` : '';
  document.getElementById('model').textContent =
    `layers ${m.architecture || m.layers.join(',')} (${m.activations.filter(a => a !== 'identity').join('/')}), trained on ${m.dataset || '?'}${acc}${more}`;
});
clearPad();
const linked = /^#digit=(\d+)$/.exec(location.hash);
if (linked) testDigit(linked[1]);
