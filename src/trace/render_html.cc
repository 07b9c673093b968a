// render_html.cc: a trace as one self-contained web page (inline CSS and JavaScript, nothing
// loaded from anywhere, so it works offline and can be mailed around).
//
// The page is meant to be read from top to bottom by someone learning TLS. Every event is a
// card: the client's on the left with a blue edge, the server's on the right with an orange one,
// each labelled with its direction. A handshake message or alert card starts with a short
// narrative (narrative.h): what the sender is doing and why. The bytes of a record header, a
// handshake message or an alert are a hex block in which every leaf field is one segment, and
// beside the block (below it on a narrow screen) an outline of the fields: the top-level ones
// always, a deeper one when its segment is activated (click, Enter or Space), together with
// the fields that contain it. "Show all explanations" opens every outline, and so does printing.
// Where the trace carries the secrets, a Finished message spells out how its verify_data is
// computed, a signature the content it covers, and a protected record its nonce (write IV XOR
// sequence number) and additional data. Key schedule steps get their own section, linked from
// where they happened, with the client's throwaway private key where the caller reported it
// (glasstls demo) and the openssl command that redoes each step.
//
// Appending "#selftest" to the page's address makes the page test itself (it clicks and keys
// its own segments) and write "SELFTEST PASS" or "SELFTEST FAIL: why" into <pre id=selftest>.
#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "glasstls/trace.h"
#include "trace/narrative.h"
#include "trace/render_common.h"
#include "trace/render_protection.h"

namespace glasstls {
namespace {

using render::bytes_label;
using render::dec;
using render::hex;

constexpr size_t kCiphertextShown = 32;
constexpr size_t kBytesPerLine = 16;

// escape appends `s` as HTML text or a double-quoted attribute value. Bytes that are not
// well-formed UTF-8 become the code point of the same number (as in the JSON renderer), and
// control characters other than tab and newline, the C1 controls and the bidirectional
// overrides (render::is_hidden_control) become U+FFFD.
void escape(std::string& out, std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const char ch = s[i];
    const auto b = static_cast<uint8_t>(ch);
    if (ch == '&') {
      out += "&amp;";
    } else if (ch == '<') {
      out += "&lt;";
    } else if (ch == '>') {
      out += "&gt;";
    } else if (ch == '"') {
      out += "&quot;";
    } else if (ch == '\t' || ch == '\n') {
      out.push_back(ch);
    } else if (b < 0x20 || b == 0x7f) {
      out += "&#xfffd;";
    } else {
      const size_t n = render::utf8_length(s, i);
      if (n == 0) {
        out += "&#x" + hex(ByteView(&b, 1)) + ";";
        i++;
        continue;
      }
      if (render::is_hidden_control(render::code_point(s, i, n))) {
        out += "&#xfffd;";
      } else {
        out.append(s.substr(i, n));
      }
      i += n;
      continue;
    }
    i++;
  }
}

std::string esc(std::string_view s) {
  std::string out;
  escape(out, s);
  return out;
}

std::string_view side(TraceDirection d) { return render::from_client(d) ? "c" : "s"; }

std::string_view who(TraceDirection d) {
  return render::from_client(d) ? "Client → Server" : "Server → Client";
}

// range describes where a field lies: "byte 0" or "bytes 6–37 (32)".
std::string range(const TraceField& f) {
  if (f.length == 0) {
    return "empty, at byte " + dec(f.offset);
  }
  if (f.length == 1) {
    return "byte " + dec(f.offset);
  }
  const size_t last = f.offset + f.length - 1;
  return "bytes " + dec(f.offset) + "–" + dec(last) + " (" + dec(f.length) + ")";
}

constexpr std::string_view kStyle = R"CSS(
:root {
  color-scheme: light;
  --bg: #f4f6f8; --fg: #1f2328; --muted: #57606a; --card: #ffffff; --line: #d0d7de;
  --mono: ui-monospace, "SF Mono", "Cascadia Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
  --c: #1d4ed8; --c-soft: #eff6ff; --c-seg: #dbeafe; --c-seg2: #c7dcfd;
  --s: #b93c0a; --s-soft: #fff7ed; --s-seg: #ffedd5; --s-seg2: #fdd9b5;
  --k: #6d28d9; --k-soft: #f5f3ff; --a: #b91c1c;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 var(--sans); }
header.top {
  position: sticky; top: 0; z-index: 2; background: var(--card);
  border-bottom: 1px solid var(--line); padding: 16px 32px 12px;
}
h1 { margin: 0; font-size: 22px; }
.summary { margin: 2px 0 0; color: var(--muted); }
.controls { display: flex; flex-wrap: wrap; gap: 10px 16px; align-items: center; margin-top: 10px; }
#show-all {
  font: inherit; font-weight: 600; padding: 5px 14px; border-radius: 6px; cursor: pointer;
  border: 1px solid var(--fg); background: var(--card); color: var(--fg);
}
#show-all[aria-pressed="true"] { background: var(--fg); color: var(--card); }
#show-all:focus-visible, .seg:focus-visible, a:focus-visible, summary:focus-visible {
  outline: 3px solid var(--fg); outline-offset: 2px;
}
.legend { display: flex; gap: 8px; }
nav a { color: var(--k); margin-right: 12px; }
main { max-width: 1400px; margin: 0 auto; padding: 8px 32px 48px; }
h2 { font-size: 18px; margin: 28px 0 12px; }
.c { --accent: var(--c); --soft: var(--c-soft); --seg: var(--c-seg); --seg2: var(--c-seg2); }
.s { --accent: var(--s); --soft: var(--s-soft); --seg: var(--s-seg); --seg2: var(--s-seg2); }
.who {
  display: inline-block; font-weight: 700; font-size: 12px; letter-spacing: .03em;
  padding: 1px 9px; border-radius: 999px; color: var(--accent); background: var(--soft);
  border: 1px solid var(--accent); white-space: nowrap;
}
ol.events { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column;
  gap: 12px; }
.card {
  background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 10px 16px 12px; box-shadow: 0 1px 2px rgba(31, 35, 40, .06);
}
.ev.c .card { margin-right: 9%; border-left: 6px solid var(--c); }
.ev.s .card { margin-left: 9%; border-right: 6px solid var(--s); }
.ev.s .head { justify-content: flex-end; }
.ev.alert .card { outline: 1px solid var(--a); }
.head { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; margin-bottom: 6px; }
.kind { font-size: 12px; font-weight: 700; letter-spacing: .05em; text-transform: uppercase;
  color: var(--muted); }
.alert .kind { color: var(--a); }
.title { font-weight: 700; font-size: 16px; }
.size { color: var(--muted); font-size: 13px; }
.hex { font: 14px/2.1 var(--mono); margin: 2px 0; }
.story { margin: 0 0 8px; max-width: 80ch; }
.fields { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 4px 24px;
  align-items: start; }
.fields > ul.tree { margin-top: 2px; position: sticky; top: 150px; max-height: calc(100vh - 170px);
  overflow: auto; }
@media (max-width: 980px) {
  .fields { grid-template-columns: minmax(0, 1fr); }
  .fields > ul.tree { position: static; max-height: none; }
}
.spell { margin: 10px 0 0; padding: 8px 12px; border-radius: 8px; background: var(--k-soft);
  border-left: 3px solid var(--k); }
.spell > h3 { margin: 0 0 4px; font-size: 12px; font-weight: 700; letter-spacing: .05em;
  text-transform: uppercase; color: var(--k); }
.spell dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 4px 0 0; }
.spell dt { color: var(--muted); font-size: 13px; }
.spell dd { margin: 0; font: 13px/1.6 var(--mono); word-break: break-all; }
.spell code, .decrypt code { font: 13px var(--mono); word-break: break-all; }
.spell a, .decrypt a { color: var(--k); }
.ok { color: #1a7f37; font-weight: 600; font-family: var(--sans); }
.bad { color: var(--a); font-weight: 600; font-family: var(--sans); }
.key dd .why { font-family: var(--sans); color: var(--muted); }
.seg {
  padding: 2px 2px; border-radius: 4px; cursor: pointer; background: var(--seg);
  border-bottom: 2px solid var(--accent); -webkit-box-decoration-break: clone;
  box-decoration-break: clone;
}
.seg.alt { background: var(--seg2); }
.seg:hover { outline: 1px solid var(--accent); }
.seg.on { background: var(--accent); color: #fff; }
.raw { color: var(--muted); }
ul.tree, ul.tree ul { list-style: none; margin: 0; padding: 0; }
ul.tree { margin-top: 4px; }
ul.tree ul { margin-left: 7px; padding-left: 14px; border-left: 2px solid var(--line); }
.tree li { display: none; padding: 2px 0; }
.tree li.open, .tree li.has-open, .tree li.empty, body.show-all .tree li { display: block; }
ul.tree > li, ul.tree > li > ul > li { display: block; }
.row { display: flex; flex-wrap: wrap; gap: 0 10px; align-items: baseline; padding: 1px 8px;
  border-radius: 6px; }
.leaf.open > .row { background: var(--soft); }
.nm { font: 700 14px var(--mono); color: var(--accent); }
.mn { font-weight: 600; }
.val { font: 13px var(--mono); background: var(--bg); padding: 0 5px; border-radius: 4px;
  word-break: break-all; }
.rg { margin-left: auto; font-size: 12px; color: var(--muted); white-space: nowrap; }
.ex { flex-basis: 100%; margin: 0; }
.grp > .row .ex { color: var(--muted); }
.part { margin-top: 10px; }
.part > h3 { margin: 0 0 2px; font-size: 12px; font-weight: 700; letter-spacing: .05em;
  text-transform: uppercase; color: var(--muted); }
.bytes { font: 13px/1.7 var(--mono); word-break: break-all; margin: 0; }
.bytes.cipher { color: var(--muted); }
details summary { cursor: pointer; color: var(--muted); font-size: 13px; }
.decrypt { margin: 10px 0 0; padding: 6px 10px; border-radius: 6px; background: var(--k-soft);
  border-left: 3px solid var(--k); }
.decrypt code { font: 13px var(--mono); word-break: break-all; }
.carries { margin: 6px 0 0; }
pre.dump { font: 13px/1.6 var(--mono); margin: 4px 0 0; white-space: pre-wrap; }
.dump .ascii { color: var(--accent); font-weight: 600; }
.dump .off { color: var(--muted); }
.ev.note, .ev.keymark { text-align: center; }
.ev.note p {
  display: inline-block; margin: 0; padding: 3px 14px; border: 1px dashed var(--muted);
  border-radius: 999px; background: var(--card); font-size: 14px;
}
.ev.keymark a { color: var(--k); font-size: 14px; font-weight: 600; text-decoration: none;
  border-bottom: 1px dotted var(--k); }
ol.keys { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column;
  gap: 10px; }
.key { background: var(--card); border: 1px solid var(--line); border-left: 6px solid var(--k);
  border-radius: 10px; padding: 10px 16px; }
.key h3 { margin: 0; font: 700 15px var(--mono); color: var(--k); }
.formula { display: inline-block; margin: 4px 0 6px; padding: 3px 8px; border-radius: 6px;
  font: 13px var(--mono); background: var(--k-soft); }
.key dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
.key dt { color: var(--muted); font-size: 13px; }
.key dd { margin: 0; font: 13px/1.6 var(--mono); word-break: break-all; }
.key code.redo, details.redo code.redo { user-select: all; }
details.redo { margin: 6px 0 0; }
details.redo code.redo { display: block; font: 12px/1.5 var(--mono); word-break: break-all;
  padding: 4px 8px; background: var(--k-soft); border-radius: 6px; }
.ws { font: 11px var(--mono); color: var(--muted); }
#selftest:empty { display: none; }
#selftest { margin: 0 32px 32px; padding: 8px; background: var(--card); }
@media print {
  body { background: #fff; color: #000; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  header.top { position: static; border: 0; padding: 0 0 8pt; }
  #show-all, nav, #selftest { display: none; }
  main { max-width: none; padding: 0; }
  .tree li { display: block !important; }
  .fields { grid-template-columns: minmax(0, 1fr); }
  .fields > ul.tree { position: static; max-height: none; }
  .card, .key { box-shadow: none; border-color: #000; break-inside: avoid; }
  .ev.c .card { border-left: 5pt solid #000; }
  .ev.s .card { border-right: 5pt double #000; }
  .seg, .seg.on { background: none !important; color: #000 !important;
    border-bottom: 1pt solid #000; }
  .seg.alt { border-bottom-style: dotted; }
  .who { color: #000 !important; background: none !important; border: 1pt solid #000; }
  .nm, .dump .ascii, .key h3, .ev.keymark a, .alert .kind { color: #000 !important; }
  .leaf.open > .row { background: none; }
}
)CSS";

constexpr std::string_view kScript = R"JS(
(function () {
  'use strict';
  var body = document.body;
  var all = document.getElementById('show-all');
  function leafOf(seg) { return document.getElementById(seg.getAttribute('aria-controls')); }
  function segOf(target) { return target && target.closest ? target.closest('.seg') : null; }
  // Groups are shown while any field inside them is open.
  function refresh(leaf) {
    for (var p = leaf.parentElement; p; p = p.parentElement) {
      if (p.classList.contains('grp')) {
        p.classList.toggle('has-open', p.querySelector('.leaf.open') !== null);
      }
    }
  }
  function setOpen(seg, open) {
    var leaf = leafOf(seg);
    if (!leaf) { return; }
    leaf.classList.toggle('open', open);
    seg.classList.toggle('on', open);
    seg.setAttribute('aria-expanded', open ? 'true' : 'false');
    refresh(leaf);
  }
  function toggle(seg) { setOpen(seg, seg.getAttribute('aria-expanded') !== 'true'); }
  document.addEventListener('click', function (e) {
    var seg = segOf(e.target);
    if (seg) { toggle(seg); }
  });
  document.addEventListener('keydown', function (e) {
    var seg = segOf(e.target);
    if (seg && (e.key === 'Enter' || e.key === ' ' || e.key === 'Spacebar')) {
      e.preventDefault();
      toggle(seg);
    }
  });
  function setAll(on) {
    body.classList.toggle('show-all', on);
    all.setAttribute('aria-pressed', on ? 'true' : 'false');
    all.textContent = on ? 'Hide explanations' : 'Show all explanations';
  }
  all.addEventListener('click', function () { setAll(!body.classList.contains('show-all')); });
  if (location.hash === '#all') { setAll(true); }

  function visible(el) {
    return !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  }
  function key(el, name) {
    el.dispatchEvent(new KeyboardEvent('keydown', { key: name, bubbles: true, cancelable: true }));
  }
  function selftest() {
    var segs = document.querySelectorAll('.seg');
    if (segs.length < 2) { return 'fewer than two segments'; }
    for (var i = 0; i < segs.length; i++) {
      if (!leafOf(segs[i])) { return 'segment ' + i + ' has no explanation'; }
      if (segs[i].tabIndex !== 0) { return 'segment ' + i + ' is not focusable'; }
    }
    // The top-level fields of each outline are always shown; deeper ones only on demand.
    var deep = [];
    for (var d = 0; d < segs.length; d++) {
      if (!visible(leafOf(segs[d]))) { deep.push(segs[d]); }
    }
    if (deep.length < 2) { return 'fewer than two segments with a hidden explanation'; }
    var top = document.querySelector('ul.tree > li > ul > li');
    if (top && !visible(top)) { return 'a top-level field of an outline is hidden'; }
    // On a wide page the outline is beside the bytes, not below them.
    var pair = document.querySelector('.fields');
    if (pair && window.innerWidth >= 1000) {
      var hexBox = pair.querySelector('.hex').getBoundingClientRect();
      var treeBox = pair.querySelector('ul.tree').getBoundingClientRect();
      if (treeBox.left < hexBox.right - 1 || treeBox.top >= hexBox.bottom) {
        return 'the explanations are not beside the bytes';
      }
      document.getElementById('selftest').setAttribute('data-layout', 'beside');
    }
    var first = deep[0];
    var leaf = leafOf(first);
    first.click();
    if (!visible(leaf)) { return 'the explanation is hidden after a click'; }
    if (first.getAttribute('aria-expanded') !== 'true') { return 'aria-expanded not updated'; }
    if (!leaf.textContent.trim()) { return 'the explanation is empty'; }
    first.click();
    if (visible(leaf)) { return 'a second click did not hide the explanation'; }
    var second = deep[1];
    second.focus();
    key(second, 'Enter');
    if (!visible(leafOf(second))) { return 'Enter did not reveal the explanation'; }
    key(second, ' ');
    if (visible(leafOf(second))) { return 'Space did not hide the explanation'; }
    all.click();
    if (all.getAttribute('aria-pressed') !== 'true') { return 'show all is not pressed'; }
    var rows = document.querySelectorAll('.tree li');
    for (var j = 0; j < rows.length; j++) {
      if (!visible(rows[j])) { return 'explanation ' + (rows[j].id || j) + ' hidden by show all'; }
    }
    all.click();
    if (visible(leaf)) { return 'hiding all left an explanation open'; }
    return '';
  }
  if (location.hash === '#selftest') {
    var out = document.getElementById('selftest');
    var why;
    try { why = selftest(); } catch (err) { why = 'exception: ' + err; }
    out.textContent = why ? 'SELFTEST FAIL: ' + why : 'SELFTEST PASS';
  }
})();
)JS";

// is_signed_content is a step that shows what a signature covers (conn: "... signed
// content"): the page spells it out in the signed message's card rather than in the key schedule.
bool is_signed_content(const TraceKeyStep& k) {
  return std::string_view(k.step).ends_with("signed content");
}

class HtmlRenderer {
 public:
  std::string flow;  // the <li> cards of the conversation
  std::string keys;  // the <li> steps of the key schedule

  // The renderer looks ahead in `events` for the steps a message's card spells out.
  explicit HtmlRenderer(const std::vector<TraceEvent>& events) {
    size_t n = 0;
    for (const TraceEvent& e : events) {
      if (const auto* k = std::get_if<TraceKeyStep>(&e)) {
        steps_.push_back({k, is_signed_content(*k) ? std::string() : "k" + dec(++n)});
      }
    }
  }

  void operator()(const TraceRecord& r) {
    const ContentType type = render::record_content_type(r);
    std::string title = render::content_type_label(type);
    const ByteView frag = render::fragment(r);
    open_card(r.direction, r.encrypted ? "record encrypted" : "record",
              r.encrypted ? "Encrypted record" : "Record", title,
              "5 + " + bytes_label(frag.size()));
    const size_t header_end = render::is_blank(r.header) ? render::kRecordHeaderLength
                                                         : r.header.offset + r.header.length;
    const ByteView wire = r.wire;
    fields(wire.first(std::min(wire.size(), header_end)), r.header);

    if (r.encrypted) {
      encrypted(r);
    } else if (type == ContentType::handshake) {
      carries(r.direction, frag, "The fragment");
    } else {
      part("Fragment · " + bytes_label(frag.size()));
      dump(frag);
      flow += "</div>";
    }
    close_card();
  }

  void operator()(const TraceMessage& m) {
    open_card(m.direction, "message", "Handshake message", render::message_label(m.type),
              bytes_label(m.bytes.size()));
    flow += "<p class=\"story\">" + esc(render::message_story(m, story_)) + "</p>\n";
    render::observe(story_, m);
    fields(m.bytes, m.tree);
    if (m.type == HandshakeType::finished) {
      spell_finished(m);
    } else if (m.type == HandshakeType::certificate_verify) {
      spell_signed(m.direction == TraceDirection::kClientToServer
                       ? "client CertificateVerify signed content"
                       : "server CertificateVerify signed content");
    } else if (m.type == HandshakeType::server_key_exchange) {
      spell_signed("ServerKeyExchange signed content");
    }
    close_card();
  }

  void operator()(const TraceKeyStep& k) {
    if (is_signed_content(k)) {
      return;  // spelled out in the card of the message it signs
    }
    const std::string id = "k" + dec(++key_count_);
    flow += "<li class=\"ev keymark\"><a href=\"#" + id + "\">Key schedule: " + esc(k.step) +
            "</a></li>\n";
    keys += "<li class=\"key\" id=\"" + id + "\"><h3>" + esc(k.step) + "</h3>";
    if (!k.formula.empty()) {
      keys += "<code class=\"formula\">" + esc(k.formula) + "</code>";
    }
    keys += "<dl>";
    if (!k.private_key.empty()) {
      keys += "<dt>our private key</dt><dd>" + hex(k.private_key, ' ') +
              " <span class=\"why\">(throwaway: made for this one connection by the program "
              "that recorded the trace, and shown so that you can recompute the shared "
              "secret)</span></dd>";
    }
    key_value(k.derivation == TraceDerivation::kKeyExchange ? "peer's public key" : "input",
              k.input);
    key_value("context", k.context);
    key_value("output", k.output);
    if (const std::string cmd = redo_command(k); !cmd.empty()) {
      keys += "<dt>openssl</dt><dd><code class=\"redo\">" + esc(cmd) + "</code></dd>";
    }
    keys += "</dl></li>\n";
  }

  void operator()(const TraceAlert& a) {
    open_card(a.direction, "alert", "Alert",
              render::level_label(a.level) + " " + render::alert_label(a.description),
              bytes_label(2));
    flow += "<p class=\"story\">" + esc(render::alert_story(a)) + "</p>\n";
    const auto body = render::alert_bytes(a);
    fields(body, a.tree);
    close_card();
  }

  void operator()(const TraceNote& n) {
    flow += "<li class=\"ev note " + std::string(side(n.direction)) + "\"><p><span class=\"who\">" +
            std::string(who(n.direction)) + "</span> " + esc(n.text) + "</p></li>\n";
  }

  void operator()(const TraceApplicationData& d) {
    open_card(d.direction, "appdata", "Application data", "", bytes_label(d.data.size()));
    dump(d.data);
    close_card();
  }

 private:
  void open_card(TraceDirection d, std::string_view classes, std::string_view kind,
                 std::string_view title, std::string_view size) {
    flow += "<li class=\"ev " + std::string(side(d)) + " " + std::string(classes) + "\" id=\"e" +
            dec(++event_count_) +
            "\"><div class=\"card\"><div class=\"head\"><span class=\"who\">" +
            std::string(who(d)) + "</span><span class=\"kind\">" + esc(kind) + "</span>";
    if (!title.empty()) {
      flow += "<span class=\"title\">" + esc(title) + "</span>";
    }
    flow += "<span class=\"size\">" + esc(size) + "</span></div>\n";
  }

  void close_card() { flow += "</div></li>\n"; }

  // part opens a titled sub-block of a card; the caller closes it with "</div>".
  void part(std::string_view heading) {
    flow += "<div class=\"part\"><h3>" + esc(heading) + "</h3>";
  }

  // fields writes the hex block of `unit`, one segment per leaf of `root`, then the outline
  // of explanations. Bytes no leaf covers are shown too, unsegmented.
  void fields(ByteView unit, const TraceField& root) {
    std::string segments;
    std::string rows;
    size_t pos = 0;
    size_t count = 0;
    if (render::is_blank(root)) {
      flow += "<div class=\"hex\">";
      raw(flow, unit);  // not annotated: the bytes alone
      flow += "</div>\n";
      return;
    }
    walk(unit, root, segments, rows, pos, count);
    if (pos < unit.size()) {
      raw(segments, unit.subspan(pos));
    }
    flow += "<div class=\"fields\"><div class=\"hex\">" + segments + "</div>\n<ul class=\"tree\">" +
            rows + "</ul></div>\n";
  }

  static void raw(std::string& segments, ByteView bytes) {
    if (!segments.empty()) {
      segments += " ";
    }
    segments += "<span class=\"raw\">" + hex(bytes, ' ') + "</span>";
  }

  void walk(ByteView unit, const TraceField& f, std::string& segments, std::string& rows,
            size_t& pos, size_t& count) {
    if (!f.children.empty()) {
      rows += "<li class=\"grp\">" + row(f, {}) + "<ul>";
      for (const TraceField& child : f.children) {
        walk(unit, child, segments, rows, pos, count);
      }
      rows += "</ul></li>";
      return;
    }
    const std::string id = "f" + dec(++field_count_);
    const ByteView bytes = render::field_bytes(unit, f);
    if (bytes.empty()) {
      rows += "<li class=\"leaf empty\" id=\"" + id + "\">" + row(f, bytes) + "</li>";
      return;
    }
    if (f.offset > pos && f.offset <= unit.size()) {
      raw(segments, unit.subspan(pos, f.offset - pos));
    }
    pos = std::max(pos, f.offset + bytes.size());
    if (!segments.empty()) {
      segments += " ";
    }
    segments += "<span class=\"seg" + std::string(count % 2 == 1 ? " alt" : "") +
                "\" role=\"button\" tabindex=\"0\" aria-expanded=\"false\" aria-controls=\"" + id +
                "\" title=\"" + esc(f.name) + "\">" + hex(bytes, ' ') + "</span>";
    count++;
    rows += "<li class=\"leaf\" id=\"" + id + "\">" + row(f, bytes) + "</li>";
  }

  // row is one line of the outline: name, value, meaning, where, and the explanation.
  static std::string row(const TraceField& f, ByteView bytes) {
    std::string out = "<div class=\"row\"><span class=\"nm\">" + esc(f.name) + "</span>";
    const bool repeats_children = !f.children.empty() && render::long_hex(f.value);
    if (!f.value.empty() && f.value != f.meaning && !render::value_is_bytes(f, bytes) &&
        !repeats_children && !render::meaning_shows_value(f)) {
      out += "<code class=\"val\">" + esc(f.value) + "</code>";
    }
    if (!f.meaning.empty()) {
      out += "<span class=\"mn\">" + esc(f.meaning) + "</span>";
    }
    if (!f.wireshark.empty()) {
      out += "<code class=\"ws\" title=\"the tshark/Wireshark field name\">" + esc(f.wireshark) +
             "</code>";
    }
    out += "<span class=\"rg\">" + esc(range(f)) + "</span>";
    if (!f.explanation.empty()) {
      out += "<p class=\"ex\">" + esc(f.explanation) + "</p>";
    }
    return out + "</div>";
  }

  void carries(TraceDirection d, ByteView content, std::string_view what) {
    const std::vector<std::string> carried = splitter_.carried(d, content);
    flow += "<p class=\"carries\">" + esc(what) + " (" + bytes_label(content.size()) +
            ") carries <strong>" +
            esc(carried.empty() ? std::string("nothing") : render::join(carried)) +
            "</strong>, shown below.</p>\n";
  }

  void encrypted(const TraceRecord& r) {
    if (render::is_tls12_protected(r)) {
      encrypted_tls12(r);
      return;
    }
    const ByteView ciphertext = render::fragment(r);
    part("Ciphertext · " + bytes_label(ciphertext.size()));
    const ByteView shown = ciphertext.first(std::min(ciphertext.size(), kCiphertextShown));
    flow += "<p class=\"bytes cipher\">" + hex(shown, ' ');
    if (shown.size() < ciphertext.size()) {
      flow += " …</p><details><summary>all " + bytes_label(ciphertext.size()) +
              "</summary><p class=\"bytes cipher\">" + hex(ciphertext, ' ') + "</p></details>";
    } else {
      flow += "</p>";
    }
    flow += "</div>\n";
    if (!r.plaintext_known) {
      flow += "<p class=\"decrypt\">Not decrypted: no key" +
              (r.key_label.empty() ? std::string() : " (" + esc(r.key_label) + ")") + ".</p>";
      return;
    }
    flow += "<p class=\"decrypt\">Decrypted with the <strong>" +
            esc(r.key_label.empty() ? std::string("traffic") : r.key_label) +
            "</strong> key, sequence number " + dec(r.sequence);
    if (!r.nonce.empty()) {
      flow += ", nonce <code>" + hex(r.nonce) + "</code>";
    }
    if (!r.key.empty()) {
      flow += ", key <code>" + hex(r.key) + "</code>";
    }
    flow += ".</p>\n";
    redo_record(r);
    spell_tls13_record(r);
    part("Plaintext · " + render::content_type_label(r.content_type) + " · " +
         bytes_label(r.plaintext.size()) + " + inner type " +
         dec(static_cast<uint8_t>(r.content_type)) +
         (r.padding == 0 ? std::string(", no padding")
                         : " + " + bytes_label(r.padding) + " of padding"));
    if (r.content_type == ContentType::handshake) {
      carries(r.direction, r.plaintext, "The plaintext");
      flow += "<details><summary>plaintext bytes</summary><p class=\"bytes\">" +
              hex(r.plaintext, ' ') + "</p></details>";
    } else {
      dump(r.plaintext);
    }
    flow += "</div>\n";
  }

  // encrypted_tls12 writes a TLS 1.2 protected record part by part: the fragment's parts, the
  // additional data (or the MAC's input), how it was decrypted, and what it decrypted to.
  void encrypted_tls12(const TraceRecord& r) {
    part("Fragment · " + render::protection_name(r.protection.kind));
    fields(render::fragment(r), render::fragment_parts(r));
    flow += "</div>\n";
    if (!r.protection.additional_data.empty()) {
      const TraceField ad = render::additional_data_parts(r);
      part(ad.name + " · " + bytes_label(r.protection.additional_data.size()) + " (not sent)");
      fields(r.protection.additional_data, ad);
      flow += "</div>\n";
    }
    if (!r.plaintext_known) {
      flow += "<p class=\"decrypt\">Not decrypted: no key" +
              (r.key_label.empty() ? std::string() : " (" + esc(r.key_label) + ")") + ".</p>";
      return;
    }
    flow += "<p class=\"decrypt\">Decrypted with the <strong>" +
            esc(r.key_label.empty() ? std::string("traffic") : r.key_label) +
            "</strong> key, sequence number " + dec(r.sequence);
    const std::string formula = render::nonce_formula(r.protection.kind);
    if (!r.nonce.empty()) {
      flow += ", nonce <code>" + hex(r.nonce) + "</code> = " + esc(formula);
    } else if (!formula.empty()) {
      flow += ", nonce = " + esc(formula);
    }
    if (!r.key.empty()) {
      flow += ", key <code>" + hex(r.key) + "</code>";
    }
    flow += ".</p>\n";
    redo_record(r);
    spell_tls12_iv(r);
    std::string summary = render::plaintext_summary(r);
    summary[0] = 'P';
    part(summary);
    if (r.content_type == ContentType::handshake) {
      carries(r.direction, r.plaintext, "The plaintext");
      flow += "<details><summary>plaintext bytes</summary><p class=\"bytes\">" +
              hex(r.plaintext, ' ') + "</p></details>";
    } else {
      dump(r.plaintext);
    }
    const Bytes tail = render::decrypted_tail(r);
    if (!tail.empty()) {
      fields(tail, render::decrypted_parts(r));
    }
    flow += "</div>\n";
  }

  // dump writes a hex dump: offset, 16 bytes, and their printable ASCII.
  void dump(ByteView data) {
    flow += "<pre class=\"dump\">";
    for (size_t i = 0; i < data.size(); i += kBytesPerLine) {
      const ByteView chunk = data.subspan(i, std::min(kBytesPerLine, data.size() - i));
      std::string h = hex(chunk, ' ');
      h.resize(kBytesPerLine * 3 - 1, ' ');
      const uint8_t offset[2] = {static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)};
      flow += "<span class=\"off\">" + hex(offset) + "</span>  " + h + "  <span class=\"ascii\">" +
              esc(render::ascii(chunk)) + "</span>\n";
    }
    flow += "</pre>\n";
  }

  void key_value(std::string_view label, ByteView v) {
    if (v.empty()) {
      return;
    }
    keys += "<dt>" + std::string(label) + "</dt><dd>" + hex(v, ' ') + "</dd>";
  }

  // A step of the trace, with the id of its entry in the key schedule ("" for the steps shown
  // in a message's card only).
  struct Step {
    const TraceKeyStep* step;
    std::string id;
  };

  // step_with_output is the last step whose output is `v` (nullptr when none is).
  const Step* step_with_output(ByteView v) const {
    const Step* found = nullptr;
    for (const Step& s : steps_) {
      if (!v.empty() && ByteView(s.step->output).size() == v.size() &&
          std::equal(v.begin(), v.end(), s.step->output.begin())) {
        found = &s;
      }
    }
    return found;
  }

  // take_step is the first step named `name` not taken yet.
  const Step* take_step(std::string_view name) {
    for (size_t i = 0; i < steps_.size(); i++) {
      if (steps_[i].step->step == name && taken_.count(i) == 0) {
        taken_.insert(i);
        return &steps_[i];
      }
    }
    return nullptr;
  }

  const Step* step_named(std::string_view name) const {
    for (const Step& s : steps_) {
      if (s.step->step == name) {
        return &s;
      }
    }
    return nullptr;
  }

  // spell_value writes one <dt>/<dd> pair of a .spell box: the bytes, and a link to the step
  // of the key schedule that computed them.
  void spell_value(std::string_view label, ByteView v, const Step* from,
                   std::string_view after = {}) {
    flow += "<dt>" + esc(label) + "</dt><dd>" + hex(v, ' ');
    if (from != nullptr && !from->id.empty()) {
      flow += " <a href=\"#" + from->id + "\">(" + esc(from->step->step) + ")</a>";
    }
    flow += std::string(after) + "</dd>";
  }

  // spell_finished spells out how a Finished message's verify_data was computed, from the
  // key schedule step that computed the same bytes.
  void spell_finished(const TraceMessage& m) {
    if (m.bytes.size() <= render::kHandshakeHeaderLength) {
      return;
    }
    const ByteView vd = ByteView(m.bytes).subspan(render::kHandshakeHeaderLength);
    const Step* st = step_with_output(vd);
    if (st == nullptr) {
      return;
    }
    const TraceKeyStep& k = *st->step;
    flow += "<div class=\"spell\"><h3>How verify_data is computed</h3><code>" + esc(k.formula) +
            "</code><dl>";
    if (k.derivation == TraceDerivation::kTls12Prf) {
      spell_value("master_secret", k.input, step_with_output(k.input));
      flow += "<dt>label</dt><dd>\"" + esc(k.label) + "\"</dd>";
      spell_value("Hash(handshake_messages)", k.context, nullptr,
                  " <span class=\"why\">(" + esc(k.hash) +
                      " of every handshake message before this one)</span>");
    } else {
      spell_value("finished_key", k.input, step_with_output(k.input));
      spell_value("transcript hash", k.context, nullptr,
                  " <span class=\"why\">(" + esc(k.hash) +
                      " of every handshake message before this one)</span>");
    }
    spell_value("verify_data", k.output, st,
                " <span class=\"ok\">= the verify_data field above</span>");
    if (const std::string cmd = redo_command(k); !cmd.empty()) {
      flow += "<dt>openssl</dt><dd><code class=\"redo\">" + esc(cmd) + "</code></dd>";
    }
    flow += "</dl></div>\n";
  }

  // spell_signed spells out what a signature covers, from the step `name` the connection
  // reported when it signed or checked it.
  void spell_signed(std::string_view name) {
    const Step* st = take_step(name);
    if (st == nullptr) {
      return;
    }
    const TraceKeyStep& k = *st->step;
    const ByteView c = k.output;
    flow += "<div class=\"spell\"><h3>What the signature covers · " + bytes_label(c.size()) +
            "</h3><code>" + esc(k.formula) + "</code><dl>";
    constexpr size_t kSpaces = 64;
    constexpr size_t kRandom = 32;
    const size_t hash_len = k.context.size();
    if (hash_len > 0 && c.size() > kSpaces + hash_len + 1) {
      // TLS 1.3 (RFC 8446 section 4.4.3): spaces, context string, 0, transcript hash.
      const size_t context_len = c.size() - kSpaces - 1 - hash_len;
      const ByteView context = c.subspan(kSpaces, context_len);
      flow += "<dt>64 × 0x20</dt><dd>" + hex(c.first(8), ' ') +
              " … <span class=\"why\">(64 spaces: a prefix no other signed message of TLS "
              "starts with)</span></dd>";
      flow += "<dt>context string</dt><dd>" + hex(context, ' ') + " <span class=\"why\">(\"" +
              esc(render::ascii(context)) + "\")</span></dd>";
      flow += "<dt>separator</dt><dd>" + hex(c.subspan(kSpaces + context_len, 1)) + "</dd>";
      spell_value("transcript hash", k.context, nullptr,
                  " <span class=\"why\">(the hash of every handshake message before this "
                  "one)</span>");
    } else if (name == "ServerKeyExchange signed content" && c.size() > 2 * kRandom) {
      spell_value("client_random", c.first(kRandom), nullptr);
      spell_value("server_random", c.subspan(kRandom, kRandom), nullptr);
      spell_value("params", c.subspan(2 * kRandom), nullptr,
                  " <span class=\"why\">(the params field above, as sent)</span>");
    } else {
      flow +=
          "<dt>handshake_messages</dt><dd><span class=\"why\">every handshake message "
          "above, header included, one after the other</span><details><summary>all " +
          bytes_label(c.size()) + "</summary>" + hex(c, ' ') + "</details></dd>";
    }
    flow +=
        "</dl><p class=\"why\">The signature field above is made over these bytes with the "
        "private key of the sender's certificate; the receiver checks it with the "
        "certificate's public key.</p></div>\n";
  }

  // redo_record shows the openssl command that decrypts the record by hand, when there is one.
  void redo_record(const TraceRecord& r) {
    if (const std::string cmd = redo_record_command(r); !cmd.empty()) {
      flow +=
          "<details class=\"redo\"><summary>decrypt it by hand with openssl</summary><code "
          "class=\"redo\">" +
          esc(cmd) + "</code></details>\n";
    }
  }

  // spell_tls13_record spells out a TLS 1.3 record's nonce (RFC 8446 section 5.3: the write iv
  // XOR the sequence number, left-padded) and additional data (section 5.2: the header).
  void spell_tls13_record(const TraceRecord& r) {
    flow += "<div class=\"spell\"><h3>Nonce and additional data</h3><dl>";
    const Step* iv = step_named(r.key_label + " write iv");
    if (iv != nullptr && !r.nonce.empty() && iv->step->output.size() == r.nonce.size()) {
      Bytes seq(r.nonce.size(), 0);
      for (size_t i = 0; i < 8 && i < seq.size(); i++) {
        seq[seq.size() - 1 - i] = static_cast<uint8_t>(r.sequence >> (8 * i));
      }
      spell_value("write iv", iv->step->output, iv);
      spell_value(
          "⊕ sequence number", seq, nullptr,
          " <span class=\"why\">(" + dec(r.sequence) + ", left-padded to the iv's length)</span>");
      spell_value("= nonce", r.nonce, nullptr);
    }
    const ByteView header =
        ByteView(r.wire).first(std::min(r.wire.size(), render::kRecordHeaderLength));
    spell_value("additional data", header, nullptr,
                " <span class=\"why\">(the record header itself: opaque_type, "
                "legacy_record_version, length; the tag covers it, so none of it can be "
                "changed on the way)</span>");
    flow += "</dl></div>\n";
  }

  // spell_tls12_iv names where a TLS 1.2 AEAD record's nonce comes from: the write IV of the
  // key block.
  void spell_tls12_iv(const TraceRecord& r) {
    if (r.protection.kind != TraceProtectionKind::kTls12Gcm &&
        r.protection.kind != TraceProtectionKind::kTls12ChaCha20Poly1305) {
      return;
    }
    std::string name = r.key_label;  // "client write" -> "client_write_IV"
    std::replace(name.begin(), name.end(), ' ', '_');
    const Step* iv = step_named(name + "_IV");
    if (iv == nullptr) {
      return;
    }
    flow += "<div class=\"spell\"><h3>Nonce</h3><code>nonce = " +
            esc(render::nonce_formula(r.protection.kind)) + "</code><dl>";
    spell_value("write IV", iv->step->output, iv);
    if (r.protection.kind == TraceProtectionKind::kTls12Gcm) {
      spell_value("nonce_explicit", r.protection.explicit_nonce, nullptr,
                  " <span class=\"why\">(sent at the start of the record)</span>");
    } else {
      Bytes seq(iv->step->output.size(), 0);
      for (size_t i = 0; i < 8 && i < seq.size(); i++) {
        seq[seq.size() - 1 - i] = static_cast<uint8_t>(r.sequence >> (8 * i));
      }
      spell_value("sequence number", seq, nullptr);
    }
    if (!r.nonce.empty()) {
      spell_value("= nonce", r.nonce, nullptr);
    }
    flow += "</dl></div>\n";
  }

  render::StoryState story_;
  std::vector<Step> steps_;
  std::set<size_t> taken_;
  render::MessageSplitter splitter_;
  size_t event_count_ = 0;
  size_t field_count_ = 0;
  size_t key_count_ = 0;
};

}  // namespace

std::string render_html(const std::vector<TraceEvent>& events, std::string_view title) {
  size_t records = 0;
  size_t messages = 0;
  size_t steps = 0;
  bool tls12 = false;
  for (const TraceEvent& e : events) {
    records += std::holds_alternative<TraceRecord>(e) ? 1 : 0;
    messages += std::holds_alternative<TraceMessage>(e) ? 1 : 0;
    if (const auto* k = std::get_if<TraceKeyStep>(&e)) {
      steps += is_signed_content(*k) ? 0 : 1;
      tls12 = tls12 || k->derivation == TraceDerivation::kTls12Prf;
    }
  }
  HtmlRenderer renderer(events);
  for (const TraceEvent& e : events) {
    std::visit(renderer, e);
  }

  const std::string heading = title.empty() ? std::string("TLS trace") : esc(title);
  std::string out;
  out.reserve(renderer.flow.size() + renderer.keys.size() + 24 * 1024);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + heading + "</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n<header class=\"top\">\n<h1>" + heading + "</h1>\n";
  out += "<p class=\"summary\">" + dec(records) + " records, " + dec(messages) +
         " handshake messages" + (steps > 0 ? ", " + dec(steps) + " key schedule steps" : "") +
         ". Click a byte range, or focus it and press Enter, to see what it means.</p>\n";
  out +=
      "<div class=\"controls\"><button type=\"button\" id=\"show-all\" aria-pressed=\"false\">"
      "Show all explanations</button>\n<span class=\"legend\">"
      "<span class=\"c\"><span class=\"who\">Client → Server</span></span> "
      "<span class=\"s\"><span class=\"who\">Server → Client</span></span></span>\n";
  if (steps > 0) {
    out +=
        "<nav><a href=\"#conversation\">Conversation</a><a href=\"#key-schedule\">"
        "Key schedule</a></nav>\n";
  }
  out += "</div>\n</header>\n<main>\n";
  out +=
      "<section id=\"conversation\" aria-labelledby=\"conversation-h\">\n"
      "<h2 id=\"conversation-h\">Conversation</h2>\n";
  if (events.empty()) {
    out += "<p>No events were recorded.</p>\n";
  } else {
    out += "<ol class=\"events\">\n" + renderer.flow + "</ol>\n";
  }
  out += "</section>\n";
  if (steps > 0) {
    out +=
        "<section id=\"key-schedule\" aria-labelledby=\"key-schedule-h\">\n"
        "<h2 id=\"key-schedule-h\">Key schedule</h2>\n"
        "<p class=\"summary\">Each step, in the order it was taken (" +
        std::string(tls12 ? "TLS 1.2: RFC 5246 sections 5, 6.3 and 8.1, RFC 7627"
                          : "TLS 1.3: RFC 8446 section 7") +
        "). Where the step says how it was computed, the openssl command below it redoes it "
        "from the values shown.</p>\n<ol class=\"keys\">\n" +
        renderer.keys + "</ol>\n</section>\n";
  }
  out += "</main>\n<pre id=\"selftest\" aria-live=\"polite\"></pre>\n<script>";
  out += kScript;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace glasstls
