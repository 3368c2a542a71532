// Turns a terminal screen captured with `tmux capture-pane -p -e` (text with SGR escapes) into a standalone HTML
// page, so a headless browser can take a picture of it for docs/. Usage: node ansi-to-html.mjs < screen.ans > screen.html
import { readFileSync } from "node:fs";

// The xterm palette's 16 base colours (what tmux passes through for 30-37, 90-97 and 256-colour 0-15).
const base = ["#1e1e1e", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
  "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff"];
const foreground = "#d4d4d4";
const background = "#1e1e1e";

function color256(n) {
  if (n < 16) return base[n];
  if (n >= 232) { const v = 8 + (n - 232) * 10; return `rgb(${v},${v},${v})`; }
  const i = n - 16; const step = (c) => (c === 0 ? 0 : 55 + c * 40);
  return `rgb(${step(Math.floor(i / 36))},${step(Math.floor(i / 6) % 6)},${step(i % 6)})`;
}

const escapeHtml = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function apply(state, params) {
  const p = params.length === 0 ? [0] : params;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === 0) Object.assign(state, { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, inverse: false });
    else if (c === 1) state.bold = true;
    else if (c === 2) state.dim = true;
    else if (c === 3) state.italic = true;
    else if (c === 4) state.underline = true;
    else if (c === 7) state.inverse = true;
    else if (c === 22) { state.bold = false; state.dim = false; }
    else if (c === 23) state.italic = false;
    else if (c === 24) state.underline = false;
    else if (c === 27) state.inverse = false;
    else if (c >= 30 && c <= 37) state.fg = base[c - 30];
    else if (c >= 90 && c <= 97) state.fg = base[c - 90 + 8];
    else if (c >= 40 && c <= 47) state.bg = base[c - 40];
    else if (c >= 100 && c <= 107) state.bg = base[c - 100 + 8];
    else if (c === 39) state.fg = null;
    else if (c === 49) state.bg = null;
    else if (c === 38 || c === 48) {
      let value = null;
      if (p[i + 1] === 5) { value = color256(p[i + 2]); i += 2; }
      else if (p[i + 1] === 2) { value = `rgb(${p[i + 2]},${p[i + 3]},${p[i + 4]})`; i += 4; }
      if (c === 38) state.fg = value; else state.bg = value;
    }
  }
}

function style(state) {
  let fg = state.fg ?? foreground;
  let bg = state.bg;
  if (state.inverse) { const t = fg; fg = bg ?? background; bg = t; }
  const parts = [];
  if (fg !== foreground) parts.push(`color:${fg}`);
  if (bg) parts.push(`background:${bg}`);
  if (state.bold) parts.push("font-weight:bold");
  if (state.dim) parts.push("opacity:0.65");
  if (state.italic) parts.push("font-style:italic");
  if (state.underline) parts.push("text-decoration:underline");
  return parts.join(";");
}

const input = readFileSync(0, "utf8").replace(/\n$/, "");
const state = {};
apply(state, [0]);
let html = "";
let open = "";
const pattern = /\x1b\[([0-9;]*)m|\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|([^\x1b]+)/g;
for (const match of input.matchAll(pattern)) {
  if (match[2] !== undefined) {
    const css = style(state);
    if (css !== open) {
      if (open) html += "</span>";
      if (css) html += `<span style="${css}">`;
      open = css;
    }
    html += escapeHtml(match[2]);
  } else if (match[1] !== undefined) {
    apply(state, match[1] === "" ? [] : match[1].split(";").map(Number));
  }
}
if (open) html += "</span>";

process.stdout.write(`<!doctype html><meta charset="utf-8"><style>
html,body{margin:0;background:${background}}
pre{margin:0;padding:12px 14px;color:${foreground};font:15px/1.25 "DejaVu Sans Mono","Liberation Mono",monospace;white-space:pre}
</style><pre>${html}</pre>
`);
