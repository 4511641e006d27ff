// The service's page: load a photo (file, drop, paste), drag a box on it, and show what
// POST /v1/transcribe?explain=true says. Nothing the user gives or the service returns is ever put
// into the page as HTML: text goes through textContent, images through src, boxes through SVG
// attributes (and the Content-Security-Policy runs no script but this file).
'use strict';

(() => {
  const TRANSCRIBE = '/v1/transcribe';
  /** What the service decodes; anything else the browser can show is converted to PNG first. */
  const SENT_TYPES = ['image/png', 'image/jpeg'];
  const PNG_DATA_URL = 'data:image/png;base64,';
  const GALLERY_SIZE = 8;
  /** A drag smaller than this (image pixels) is a click, not a box. */
  const MIN_BOX = 2;
  /** Largest share of the window's height the photo may take. */
  const MAX_PHOTO_HEIGHT = 0.62;
  const LENGTH_LABELS = ['0', '1', '2', '3', '4', '5', '>5'];
  const DIGIT_POSITIONS = 5;
  const SVG = 'http://www.w3.org/2000/svg';

  const $ = (id) => document.getElementById(id);

  function element(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  const state = {
    photo: null,   // {blob, url, width, height, name}
    box: null,     // the caller's box {left, top, width, height}, image pixels
    draft: null,   // the box being dragged
    answer: null,  // the last answer shown
    request: 0,    // id of the newest request: older answers arriving late are dropped
    gallery: [],   // [{photo, box, answer}], newest first
  };

  // ---------- numbers and boxes ----------

  function percent(p) {
    if (p >= 0.001) return (100 * p).toFixed(p >= 0.9995 ? 2 : 1) + '%';
    return p === 0 ? '0%' : (100 * p).toPrecision(2) + '%';
  }

  function boxText(b) {
    return [b.left, b.top, b.width, b.height].join(',');
  }

  /** "l,t,w,h" as a box, or a sentence saying what is wrong. */
  function parseBox(text) {
    const parts = text.split(',').map((s) => s.trim());
    if (parts.length !== 4 || parts.some((s) => !/^-?\d+$/.test(s))) {
      return {error: 'a box is four integers left,top,width,height'};
    }
    const [left, top, width, height] = parts.map(Number);
    if (width <= 0 || height <= 0) return {error: 'the box width and height must be positive'};
    return {box: {left, top, width, height}};
  }

  // ---------- loading a photo ----------

  async function asSendable(blob) {
    if (SENT_TYPES.includes(blob.type)) return blob;
    const bitmap = await createImageBitmap(blob);
    const canvas = element('canvas');
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    canvas.getContext('2d').drawImage(bitmap, 0, 0);
    return new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
  }

  async function load(blob, name) {
    if (!blob || !blob.type.startsWith('image/')) {
      showError((name || 'that') + ' is not an image');
      return;
    }
    let sendable;
    try {
      sendable = await asSendable(blob);
    } catch (e) {
      showError('the browser cannot read ' + name + ' as an image');
      return;
    }
    const url = URL.createObjectURL(sendable);
    const probe = new Image();
    try {
      await new Promise((resolve, reject) => {
        probe.onload = resolve;
        probe.onerror = reject;
        probe.src = url;
      });
    } catch (e) {
      URL.revokeObjectURL(url);
      showError('the browser cannot show ' + name + ' as an image');
      return;
    }
    setPhoto({blob: sendable, url, width: probe.naturalWidth, height: probe.naturalHeight, name});
    setBox(null);
    state.answer = null;
    transcribe();
  }

  function setPhoto(photo) {
    const previous = state.photo;
    state.photo = photo;
    $('photo').src = photo.url;
    $('overlay').setAttribute('viewBox', '0 0 ' + photo.width + ' ' + photo.height);
    $('stage').hidden = false;
    $('drop-hint').hidden = true;
    layout();
    releaseUnused(previous);
  }

  /** Sizes the photo to the panel (small photos are enlarged so a box is easy to draw). */
  function layout() {
    const photo = state.photo;
    if (!photo) return;
    const room = $('drop-zone').clientWidth - 2;
    const scale = Math.min(room / photo.width, (window.innerHeight * MAX_PHOTO_HEIGHT) / photo.height);
    $('photo').style.width = Math.max(1, Math.floor(photo.width * scale)) + 'px';
    $('photo').style.height = Math.max(1, Math.floor(photo.height * scale)) + 'px';
  }

  function releaseUnused(photo) {
    if (photo && photo !== state.photo && !state.gallery.some((g) => g.photo === photo)) {
      URL.revokeObjectURL(photo.url);
    }
  }

  // ---------- the box ----------

  function setBox(box) {
    state.box = box;
    $('box').value = box ? boxText(box) : '';
    $('box').classList.remove('invalid');
    draw();
  }

  /** The pointer's position in image pixels, clamped to the image. */
  function imagePoint(event) {
    const rect = $('photo').getBoundingClientRect();
    const x = ((event.clientX - rect.left) * state.photo.width) / rect.width;
    const y = ((event.clientY - rect.top) * state.photo.height) / rect.height;
    return {
      x: Math.min(state.photo.width, Math.max(0, x)),
      y: Math.min(state.photo.height, Math.max(0, y)),
    };
  }

  function spanned(a, b) {
    const left = Math.round(Math.min(a.x, b.x));
    const top = Math.round(Math.min(a.y, b.y));
    return {
      left,
      top,
      width: Math.round(Math.max(a.x, b.x)) - left,
      height: Math.round(Math.max(a.y, b.y)) - top,
    };
  }

  let dragStart = null;

  function startDrag(event) {
    if (!state.photo || event.button !== 0) return;
    event.preventDefault();
    dragStart = imagePoint(event);
    state.draft = null;
    $('stage').setPointerCapture(event.pointerId);
  }

  function moveDrag(event) {
    if (!dragStart) return;
    state.draft = spanned(dragStart, imagePoint(event));
    $('box').value = state.draft.width > 0 && state.draft.height > 0 ? boxText(state.draft) : '';
    draw();
  }

  function endDrag(event) {
    if (!dragStart) return;
    const box = spanned(dragStart, imagePoint(event));
    dragStart = null;
    state.draft = null;
    if (box.width >= MIN_BOX && box.height >= MIN_BOX) {
      setBox(box);
      transcribe();
    } else {
      setBox(state.box); // a click: keep the box there was
    }
  }

  // ---------- drawing on the photo ----------

  function svgRect(box, className) {
    const r = document.createElementNS(SVG, 'rect');
    r.setAttribute('x', box.left);
    r.setAttribute('y', box.top);
    r.setAttribute('width', box.width);
    r.setAttribute('height', box.height);
    r.setAttribute('class', className);
    r.setAttribute('vector-effect', 'non-scaling-stroke');
    return r;
  }

  /** The box the answer was read around: the caller's, or the one the service found. */
  function answerBox(answer) {
    if (!answer) return null;
    return answer.box || (answer.explanation && answer.explanation.box) || null;
  }

  function draw() {
    const overlay = $('overlay');
    overlay.replaceChildren();
    if (!state.photo) return;
    if (state.draft) {
      overlay.appendChild(svgRect(state.draft, 'box drawing'));
      return;
    }
    const answer = state.answer;
    if (answer && answer.explanation && answer.explanation.expandedRegion) {
      overlay.appendChild(svgRect(answer.explanation.expandedRegion, 'expanded'));
    }
    if (answer && !state.box) {
      for (const reading of otherBoxReadings(answer)) overlay.appendChild(svgRect(reading.box, 'candidate'));
    }
    const box = state.box || answerBox(answer);
    if (box) overlay.appendChild(svgRect(box, state.box ? 'box' : 'box found'));
  }

  function sameBox(a, b) {
    return !!a && !!b && a.left === b.left && a.top === b.top && a.width === b.width && a.height === b.height;
  }

  /** The candidate boxes other than the one the answer was read in (listed only when no box was given). */
  function otherBoxReadings(answer) {
    return (answer.boxReadings || []).filter((r) => !sameBox(r.box, answer.box));
  }

  // ---------- asking the service ----------

  async function transcribe() {
    if (!state.photo) return;
    const id = ++state.request;
    const photo = state.photo;
    const box = state.box;
    const query = new URLSearchParams({explain: 'true'});
    if (box) query.set('box', boxText(box));
    setStatus('Reading' + (box ? ' the box ' + boxText(box) : ' the whole photo') + '…', 'muted');
    $('answer-panel').classList.add('busy');
    let response;
    let body;
    try {
      response = await fetch(TRANSCRIBE + '?' + query.toString(), {
        method: 'POST',
        headers: {'Content-Type': photo.blob.type},
        body: photo.blob,
      });
      body = await response.json();
    } catch (e) {
      if (id === state.request) showError('the service did not answer: ' + e.message);
      return;
    }
    if (id !== state.request) return; // a newer request is on its way
    if (!response.ok) {
      showError((body && body.error) || 'the service answered HTTP ' + response.status);
      return;
    }
    state.answer = body;
    render(body);
    draw();
    remember({photo, box, answer: body});
  }

  function setStatus(text, className) {
    const status = $('status');
    status.textContent = text;
    status.className = className;
    status.hidden = !text;
  }

  function showError(message) {
    $('answer-panel').classList.remove('busy');
    setStatus('Error: ' + message, 'error');
  }

  // ---------- the answer ----------

  function render(answer) {
    $('answer-panel').classList.remove('busy');
    setStatus('', '');
    $('answer').hidden = false;

    const text = $('answer-text');
    text.textContent = answer.accepted ? answer.text : 'refused';
    text.className = answer.accepted ? 'accepted' : 'refused';
    $('answer').dataset.accepted = String(answer.accepted);

    const verdict = $('verdict');
    verdict.replaceChildren();
    // The score the threshold judges: P(S|x), or for an ensemble that scores by agreement the geometric mean
    // of its networks' own P(S|x); the alternatives' table shows P(S|x) of the averaged heads for every row.
    const sure = element('div', null, 'confidence ' + percent(answer.confidence) + (answer.confidence >= answer.threshold
        ? ' ≥ ' : ' < ') + 'threshold ' + percent(answer.threshold));
    verdict.appendChild(sure);
    if (!answer.accepted) {
      verdict.appendChild(element('div', null, answer.transcribable
          ? 'best guess “' + answer.candidate + '”, not sure enough to answer'
          : 'the model says there is no number of 1-5 digits here to read'));
    }

    const explanation = answer.explanation || {};
    const crop = $('crop');
    if (typeof explanation.crop === 'string' && explanation.crop.startsWith(PNG_DATA_URL)) {
      crop.src = explanation.crop;
      $('crop-figure').hidden = false;
    } else {
      $('crop-figure').hidden = true;
    }

    renderPositions(answer, explanation.digitProbabilities);
    renderLengths(answer.lengthProbabilities);
    renderAlternatives(answer);
    renderBoxReadings(answer);

    const source = answer.boxSource === 'localized' ? 'the box the service found'
        : state.box ? 'your box' : answerBox(answer) ? 'a box' : 'the whole photo';
    $('facts').textContent = 'model ' + answer.model + ' · read ' + source + ' · '
        + Math.round(answer.elapsedMs) + ' ms';

    const shown = Object.assign({}, answer);
    if (answer.explanation) {
      shown.explanation = Object.assign({}, answer.explanation);
      if (typeof shown.explanation.crop === 'string') {
        shown.explanation.crop = shown.explanation.crop.slice(0, 40) + '… (' + shown.explanation.crop.length
            + ' characters)';
      }
    }
    $('raw-json').textContent = JSON.stringify(shown, null, 2);
  }

  function bar(probability, label, chosen, title) {
    const column = element('div', 'bar' + (chosen ? ' chosen' : ''));
    column.title = title;
    const track = element('div', 'track');
    const fill = element('div', 'fill');
    fill.style.height = Math.max(0, Math.min(100, 100 * probability)) + '%';
    track.appendChild(fill);
    column.appendChild(track);
    column.appendChild(element('div', 'label', label));
    return column;
  }

  function renderPositions(answer, digits) {
    const positions = $('positions');
    positions.replaceChildren();
    if (!Array.isArray(digits)) return;
    const used = answer.transcribable ? answer.candidate.length : 0;
    for (let i = 0; i < Math.min(DIGIT_POSITIONS, digits.length); i++) {
      const chosen = i < used ? Number(answer.candidate[i]) : -1;
      const column = element('div', 'position' + (i < used ? '' : ' unused'));
      column.dataset.position = String(i + 1);
      const head = element('div', 'position-head');
      head.appendChild(element('span', 'digit', i < used ? answer.candidate[i] : '–'));
      head.appendChild(element('span', 'probability',
          i < used ? percent(digits[i][chosen]) : 'not read'));
      column.appendChild(head);
      const bars = element('div', 'bars');
      digits[i].forEach((p, d) => bars.appendChild(
          bar(p, String(d), d === chosen, 'position ' + (i + 1) + ', digit ' + d + ': ' + percent(p))));
      column.appendChild(bars);
      positions.appendChild(column);
    }
  }

  function renderLengths(lengths) {
    const box = $('lengths');
    box.replaceChildren();
    if (!Array.isArray(lengths)) return;
    const best = lengths.indexOf(Math.max(...lengths));
    lengths.forEach((p, n) => box.appendChild(
        bar(p, LENGTH_LABELS[n] || String(n), n === best, 'length ' + LENGTH_LABELS[n] + ': ' + percent(p))));
    $('length-caption').textContent = 'most likely ' + (LENGTH_LABELS[best] === '1' ? '1 digit' : LENGTH_LABELS[best]
        + ' digits') + ': P(L=' + LENGTH_LABELS[best] + '|x) = ' + percent(lengths[best]);
  }

  /** P(S|x) of the candidate from the heads the answer carries: P(L = n|x) times each digit's probability. */
  function sequenceProbability(answer) {
    return (answer.positions || []).reduce((p, position) => p * position.probability,
        answer.lengthProbabilities[answer.candidate.length]);
  }

  function renderAlternatives(answer) {
    const body = $('alternatives').tBodies[0];
    body.replaceChildren();
    const rows = [{text: answer.candidate, confidence: sequenceProbability(answer), best: true}]
        .concat(answer.alternatives || []);
    for (const alternative of rows) {
      const row = element('tr', alternative.best ? 'best' : '');
      row.appendChild(element('td', 'mono', alternative.text === '' ? '(nothing)' : alternative.text));
      row.appendChild(element('td', 'mono', percent(alternative.confidence)));
      body.appendChild(row);
    }
  }

  function renderBoxReadings(answer) {
    const readings = answer.boxReadings || [];
    const body = $('box-readings').tBodies[0];
    body.replaceChildren();
    for (const reading of readings) {
      const chosen = sameBox(reading.box, answer.box) && reading.candidate === answer.candidate;
      const row = element('tr', chosen ? 'best' : '');
      row.appendChild(element('td', 'mono', boxText(reading.box)));
      row.appendChild(element('td', 'mono', !reading.transcribable ? '(more than 5 digits)'
          : reading.candidate === '' ? '(nothing)' : reading.candidate));
      row.appendChild(element('td', 'mono', percent(reading.confidence)));
      body.appendChild(row);
    }
    $('box-readings-panel').hidden = readings.length === 0;
  }

  // ---------- recent requests (this page only) ----------

  function remember(entry) {
    state.gallery.unshift(entry);
    const dropped = state.gallery.splice(GALLERY_SIZE);
    dropped.forEach((g) => releaseUnused(g.photo));
    renderGallery();
  }

  function renderGallery() {
    const list = $('gallery');
    list.replaceChildren();
    for (const entry of state.gallery) {
      const item = element('li');
      const button = element('button', entry.answer.accepted ? 'accepted' : 'refused');
      button.type = 'button';
      const thumb = element('img');
      thumb.alt = '';
      const crop = entry.answer.explanation && entry.answer.explanation.crop;
      thumb.src = typeof crop === 'string' && crop.startsWith(PNG_DATA_URL) ? crop : entry.photo.url;
      button.appendChild(thumb);
      button.appendChild(element('span', 'gallery-text',
          entry.answer.accepted ? entry.answer.text : 'refused'));
      button.appendChild(element('span', 'gallery-name', entry.photo.name));
      button.addEventListener('click', () => restore(entry));
      item.appendChild(button);
      list.appendChild(item);
    }
    $('gallery-panel').hidden = state.gallery.length === 0;
  }

  function restore(entry) {
    state.request++; // an answer still on its way belongs to the photo being left
    if (entry.photo !== state.photo) setPhoto(entry.photo);
    state.answer = entry.answer;
    setBox(entry.box);
    render(entry.answer);
    draw();
  }

  // ---------- wiring ----------

  function firstImage(items) {
    for (const item of items || []) {
      const file = item.getAsFile ? (item.kind === 'file' ? item.getAsFile() : null) : item;
      if (file && file.type.startsWith('image/')) return file;
    }
    return null;
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('file').addEventListener('change', () => {
      const file = $('file').files[0];
      if (file) load(file, file.name);
      $('file').value = '';
    });

    // Dropping anywhere loads the photo rather than navigating away from the page.
    document.addEventListener('dragover', (e) => {
      e.preventDefault();
      $('drop-zone').classList.add('dragging');
    });
    document.addEventListener('dragleave', (e) => {
      if (e.target === document.documentElement || e.target === $('drop-zone')) {
        $('drop-zone').classList.remove('dragging');
      }
    });
    document.addEventListener('drop', (e) => {
      e.preventDefault();
      $('drop-zone').classList.remove('dragging');
      const file = firstImage(e.dataTransfer && e.dataTransfer.files);
      if (file) load(file, file.name);
      else showError('drop an image file (PNG or JPEG)');
    });
    document.addEventListener('paste', (e) => {
      if (e.target === $('box')) return; // typing a box
      const file = firstImage(e.clipboardData && e.clipboardData.items);
      if (file) {
        e.preventDefault();
        load(file, 'pasted image');
      }
    });

    const stage = $('stage');
    stage.addEventListener('pointerdown', startDrag);
    stage.addEventListener('pointermove', moveDrag);
    stage.addEventListener('pointerup', endDrag);
    stage.addEventListener('pointercancel', () => {
      dragStart = null;
      state.draft = null;
      setBox(state.box);
    });

    $('box-form').addEventListener('submit', (e) => {
      e.preventDefault();
      if (!state.photo) {
        showError('load a photo first');
        return;
      }
      const text = $('box').value.trim();
      if (text === '') {
        setBox(null);
        transcribe();
        return;
      }
      const parsed = parseBox(text);
      if (parsed.error) {
        $('box').classList.add('invalid');
        showError(parsed.error);
        return;
      }
      setBox(parsed.box);
      transcribe();
    });
    $('clear-box').addEventListener('click', () => {
      if (!state.photo) return;
      setBox(null);
      transcribe();
    });
    window.addEventListener('resize', layout);
  });
})();
