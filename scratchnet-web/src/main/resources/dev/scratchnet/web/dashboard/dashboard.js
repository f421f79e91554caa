const epochs = [], cost = [], validation = [], test = [], rate = [];
const opts = (title, series) => ({ width: 460, height: 300, title, scales: { x: { time: false } },
  axes: [{ label: 'epoch' }, {}], series: [{ label: 'epoch' }, ...series] });
const costPlot = new uPlot(opts('training cost', [{ label: 'train_cost', stroke: '#d62728', width: 2 }]),
  [epochs, cost], document.getElementById('cost'));
const accPlot = new uPlot(opts('accuracy', [
  { label: 'validation', stroke: '#1f77b4', width: 2 }, { label: 'test', stroke: '#ff7f0e', width: 2 }]),
  [epochs, validation, test], document.getElementById('accuracy'));
const status = document.getElementById('status');
const events = new EventSource('/events');
events.addEventListener('title', e => { document.getElementById('title').textContent = 'ScratchNet: ' + JSON.parse(e.data).title; });
events.addEventListener('epoch', e => {
  const m = JSON.parse(e.data);
  epochs.push(m.epoch); cost.push(m.train_cost);
  validation.push(m.validation_accuracy ?? null); test.push(m.test_accuracy);
  costPlot.setData([epochs, cost]);
  accPlot.setData([epochs, validation, test]);
  status.textContent = `epoch ${m.epoch}: test ${(100 * m.test_accuracy).toFixed(2)}%, `
    + `${Math.round(m.examples_per_second).toLocaleString()} examples/s`;
});
events.addEventListener('progress', e => {
  const p = JSON.parse(e.data);
  status.textContent = `epoch ${p.epoch}: ${p.done.toLocaleString()} of ${p.total.toLocaleString()} examples, `
    + `${Math.round(p.examples_per_second).toLocaleString()} examples/s`;
});
events.addEventListener('done', e => { status.textContent = JSON.parse(e.data).summary; events.close(); });
