/*
 * Travel Bot chat widget. A site adds one tag, and nothing else:
 *
 *   <script src="https://chat.example.com/v1/widget.js" async
 *           data-title="Lisbon Travel Desk" data-accent="#0f766e"></script>
 *
 * data-title        the name on the launcher and the panel (default "Travel Bot", at most 60)
 * data-accent       the launcher's and the panel header's colour, #rrggbb (default #1d4ed8)
 * data-accent-text  the text colour on it, #rrggbb; ignored unless it contrasts 4.5:1 or more
 *                   (by default black or white, whichever contrasts more)
 * data-position     "right" (default) or "left"
 *
 * It adds a launcher bubble; the first click opens a panel with the chat page (this script's
 * own directory, so also under an API Gateway stage) in an iframe. The chat runs entirely in
 * that frame, on the chat's own origin: this script reads nothing of the host page and sends
 * it nothing. The chat page shows itself only on sites its deployment allows (CSP
 * frame-ancestors); elsewhere the frame stays empty, the page never says "ready", and the
 * panel offers the chat in a new tab instead.
 *
 * It works under a strict Content-Security-Policy on the host page: no inline script, no
 * <style> element and no style attribute (styles are set through the CSSOM, which CSP allows),
 * no eval; the host needs script-src and frame-src for the chat's origin, nothing more. Its
 * elements live in a shadow root, so the host's CSS cannot reach them.
 */
(() => {
  'use strict';

  const script = document.currentScript;
  const MARK = Symbol.for('travelbot.widget');
  if (!script || !script.src || window[MARK]) return;
  window[MARK] = true;

  const READY_GRACE_MS = 1500; // after the frame's load event, before it counts as refused
  const HEX = /^#[0-9a-fA-F]{6}$/;
  const pageUrl = new URL('./', script.src);
  const chatOrigin = pageUrl.origin;
  const data = script.dataset;
  const title = (data.title || '').trim().slice(0, 60) || 'Travel Bot';
  const accent = HEX.test(data.accent || '') ? data.accent : '#1d4ed8';
  const side = data.position === 'left' ? 'left' : 'right';

  function luminance(hex) {
    const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  function contrast(a, b) {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  }

  const autoText = luminance(accent) > 0.179 ? '#000000' : '#ffffff';
  const accentText = HEX.test(data.accentText || '') && contrast(accent, data.accentText) >= 4.5
    ? data.accentText : autoText;

  const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const BUBBLE = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z';
  const CHEVRON = 'M6 9l6 6 6-6';

  function make(tag, styles, attributes) {
    const node = document.createElement(tag);
    Object.assign(node.style, styles || {});
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    return node;
  }

  function icon(path, filled) {
    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '28');
    svg.setAttribute('height', '28');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const shape = document.createElementNS(SVG_NS, 'path');
    shape.setAttribute('d', path);
    shape.setAttribute('fill', filled ? 'currentColor' : 'none');
    shape.setAttribute('stroke', 'currentColor');
    shape.setAttribute('stroke-width', '2');
    shape.setAttribute('stroke-linecap', 'round');
    shape.setAttribute('stroke-linejoin', 'round');
    svg.append(shape);
    return svg;
  }

  // A focus ring that shows on any host background: white inside, near-black outside.
  function focusRing(node) {
    node.addEventListener('focus', () => {
      if (!node.matches(':focus-visible')) return;
      Object.assign(node.style, { outline: '2px solid #ffffff', boxShadow: '0 0 0 5px #111827' });
    });
    node.addEventListener('blur', () => Object.assign(node.style, { outline: 'none', boxShadow: node.dataset.shadow || 'none' }));
  }

  const host = make('div', { all: 'initial' }, { 'data-travelbot-widget': '' });
  const root = host.attachShadow({ mode: 'open' });

  const launcherShadow = '0 4px 14px rgba(0, 0, 0, 0.28)';
  const launcher = make('button', {
    position: 'fixed', bottom: '20px', [side]: '20px', zIndex: '2147483000', width: '56px',
    height: '56px', borderRadius: '50%', border: 'none', margin: '0', padding: '0', cursor: 'pointer',
    background: accent, color: accentText, display: 'flex', alignItems: 'center',
    justifyContent: 'center', boxShadow: launcherShadow, outline: 'none',
  }, { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'travelbot-panel', 'aria-label': 'Chat with ' + title });
  launcher.dataset.shadow = launcherShadow;
  launcher.append(icon(BUBBLE, false));
  focusRing(launcher);

  const panel = make('div', {
    position: 'fixed', bottom: '88px', [side]: '20px', zIndex: '2147483000', width: '380px',
    height: 'min(640px, calc(100vh - 110px))', display: 'none', flexDirection: 'column',
    background: '#ffffff', borderRadius: '16px', overflow: 'hidden',
    boxShadow: '0 12px 40px rgba(0, 0, 0, 0.3)', fontFamily: FONT,
  }, { id: 'travelbot-panel', role: 'dialog', 'aria-label': title });

  const header = make('div', {
    display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: '8px',
    padding: '10px 10px 10px 16px', background: accent, color: accentText, flex: 'none',
  });
  const heading = make('span', { font: '600 16px/1.4 ' + FONT, overflowWrap: 'anywhere' });
  heading.textContent = title;
  const close = make('button', {
    width: '40px', height: '40px', border: 'none', borderRadius: '8px', background: 'transparent',
    color: accentText, cursor: 'pointer', display: 'flex', alignItems: 'center',
    justifyContent: 'center', padding: '0', outline: 'none',
  }, { type: 'button', 'aria-label': 'Close chat' });
  close.append(icon(CHEVRON, false));
  focusRing(close);
  header.append(heading, close);

  const notice = make('div', {
    display: 'none', padding: '16px', font: '15px/1.5 ' + FONT, color: '#16181d', background: '#ffffff',
  }, { role: 'alert' });
  panel.append(header, notice);
  root.append(panel, launcher);

  let frame = null;
  let ready = false;
  let refusedTimer = 0;

  function showRefused() {
    if (ready || !frame) return;
    frame.remove();
    frame = null;
    notice.replaceChildren();
    const text = make('p', { margin: '0 0 12px' });
    text.textContent = 'The chat cannot be shown on this site.';
    const link = make('a', { color: '#1d4ed8', fontWeight: '600' }, { href: pageUrl.href, target: '_blank', rel: 'noopener noreferrer' });
    link.textContent = 'Open ' + title + ' in a new tab';
    notice.append(text, link);
    notice.style.display = 'block';
  }

  function openFrame() {
    const url = new URL(pageUrl.href);
    url.searchParams.set('title', title);
    url.searchParams.set('accent', accent);
    frame = make('iframe', { border: '0', width: '100%', flex: '1', background: '#ffffff', colorScheme: 'normal' }, {
      title: title + ' chat', src: url.href, referrerpolicy: 'no-referrer',
    });
    frame.addEventListener('load', () => {
      clearTimeout(refusedTimer);
      refusedTimer = setTimeout(showRefused, READY_GRACE_MS);
    });
    panel.append(frame);
  }

  // Phones get the whole screen (the panel's own header closes it); larger screens a panel.
  function fit() {
    const small = window.matchMedia('(max-width: 480px)').matches;
    launcher.style.display = small && isOpen() ? 'none' : 'flex';
    Object.assign(panel.style, small
      ? { top: '0', bottom: '0', left: '0', right: '0', width: '100%', height: '100%', borderRadius: '0' }
      : { top: 'auto', bottom: '88px', left: side === 'left' ? '20px' : 'auto', right: side === 'right' ? '20px' : 'auto',
        width: '380px', height: 'min(640px, calc(100vh - 110px))', borderRadius: '16px' });
  }

  function isOpen() { return panel.style.display !== 'none'; }

  function open() {
    panel.style.display = 'flex';
    fit();
    launcher.setAttribute('aria-expanded', 'true');
    launcher.replaceChildren(icon(CHEVRON, false));
    if (!frame && !notice.textContent) openFrame();
    if (frame) frame.focus();
    else close.focus();
  }

  function hide() {
    panel.style.display = 'none';
    fit();
    launcher.setAttribute('aria-expanded', 'false');
    launcher.replaceChildren(icon(BUBBLE, false));
    launcher.focus();
  }

  launcher.addEventListener('click', () => (isOpen() ? hide() : open()));
  close.addEventListener('click', hide);
  panel.addEventListener('keydown', (event) => { if (event.key === 'Escape') hide(); });
  window.matchMedia('(max-width: 480px)').addEventListener('change', fit);

  // The chat page says "ready" once it runs in the frame, and "close" on Escape.
  window.addEventListener('message', (event) => {
    if (event.origin !== chatOrigin || !frame || event.source !== frame.contentWindow) return;
    const message = event.data;
    if (!message || message.source !== 'travelbot') return;
    if (message.type === 'ready') { ready = true; clearTimeout(refusedTimer); }
    if (message.type === 'close' && isOpen()) hide();
  });

  function mount() { document.body.append(host); }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
