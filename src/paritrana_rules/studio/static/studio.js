// The studio's pages, on the HTTP API: live checking, saving, the handbook, example cases and coverage, the diff
// against the rubric extended, what-if, scoring a file, replay. Text from rubrics and data is put in the page as
// text (textContent, or escaped), never as markup.
"use strict";

const workbench = document.querySelector(".workbench");

function api(path, options = {}) {
  return fetch(path, options).then(async (answer) => {
    const type = answer.headers.get("content-type") || "";
    const body = type.includes("json") ? await answer.json() : await answer.text();
    if (!answer.ok) throw Object.assign(new Error((body.error && body.error.message) || answer.statusText), {body});
    return body;
  });
}

function debounce(action, wait) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => action(...args), wait); };
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));
}

// An element with attributes and children (strings become text, never markup).
function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) element.setAttribute(name, value);
  }
  for (const child of children) element.append(child instanceof Node ? child : String(child));
  return element;
}

if (workbench) {
  const rubric = workbench.dataset.rubric, lang = workbench.dataset.lang;
  const shownAs = workbench.dataset.shown;  // the path diagnostics, coverage and records name this rubric by
  const said = JSON.parse(document.getElementById("words").textContent);
  const statusWord = (code) => said.statuses[code] || code;  // as `score --lang` shows it
  const base = `/api/rubrics/${rubric.split("/").map(encodeURIComponent).join("/")}`;
  const text = document.getElementById("text"), marks = document.getElementById("marks");
  const list = document.getElementById("diagnostics"), summary = document.getElementById("summary");
  let opened = null;
  let diagnostics = [];  // the checker's, for the text as it is
  let extraMarks = [];  // spans other panels mark (rules no case reaches, a diverging step) until the text changes

  // ---------------------------------------------------------------- the editor and its marks

  function offset(lines, line, column) {  // a 1-based line and column as an offset into the text
    let at = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i++) at += lines[i].length + 1;
    return at + column - 1;
  }

  function ours(file) {  // whether a span is in this rubric's text (not in a file it extends or uses)
    return file === null || file === undefined || file === shownAs;
  }

  // A mark: {line, column, end_line, end_column, kind (its class), title, code}.
  function paint(source) {
    const lines = source.split("\n");
    const found = [...diagnostics.map((d) => ({...d, kind: d.severity,
      title: d.message + (d.hint ? `\nhint: ${d.hint}` : "")})), ...extraMarks];
    const spans = found.filter((m) => ours(m.file)).map((m) => {
      const start = offset(lines, m.line, m.column);
      let end = offset(lines, m.end_line || m.line, m.end_column || m.column + 1);
      if (end <= start) end = start + 1;
      return {start, end, m};
    }).sort((a, b) => a.start - b.start);
    let html = "", at = 0;
    for (const {start, end, m} of spans) {
      if (start < at) continue;
      html += escapeHtml(source.slice(at, start));
      html += `<mark class="${m.kind}" data-code="${escapeHtml(m.code || "")}" data-line="${m.line}" `
        + `title="${escapeHtml(m.title || "")}">${escapeHtml(source.slice(start, end))}</mark>`;
      at = end;
    }
    marks.innerHTML = html + escapeHtml(source.slice(at)) + "\n";
  }

  function goTo(line) {  // select a line of the text and bring it into view
    const lines = text.value.split("\n");
    const start = offset(lines, line, 1);
    text.focus();
    text.setSelectionRange(start, start + (lines[line - 1] || "").length);
    text.scrollTop = Math.max(0, (line - 5) * parseFloat(getComputedStyle(text).lineHeight));
  }

  function lineLink(line, label) {  // a button that shows a line of the rubric in the editor
    const button = el("button", {class: "line", type: "button", "data-line": line}, label);
    button.addEventListener("click", () => goTo(line));
    return button;
  }

  function show(found) {
    diagnostics = found.diagnostics;
    paint(text.value);
    list.innerHTML = "";
    const messages = found.text ? found.text.split("\n\n") : [];
    found.diagnostics.forEach((d, i) => {
      const item = el("li", {class: d.severity, "data-code": d.code, "data-line": d.line},
        `${d.line}:${d.column} ${d.code} ${(messages[i] || d.message).split("\n")[0].replace(/^\w+\[\w+\]: /, "")}`);
      list.appendChild(item);
    });
    summary.textContent = found.errors || found.warnings ? `${found.errors} ✗ · ${found.warnings} ⚠` : "✓";
    summary.dataset.errors = found.errors;
  }

  const named = `name=${encodeURIComponent(rubric)}&lang=${lang}`;

  const check = debounce(() => {
    const sent = text.value;
    api(`/api/check?${named}`, {method: "POST", body: sent})
      .then((found) => {
        if (text.value !== sent) return;
        show(found);
        if (!found.errors) loadHandbook(sent);  // the handbook follows the text while it checks clean
      })
      .catch((error) => { summary.textContent = error.message; });
  }, 120);

  document.getElementById("format").addEventListener("click", () => {
    api(`/api/format?${named}`, {method: "POST", body: text.value})
      .then((formatted) => { text.value = formatted; extraMarks = []; check(); })
      .catch((error) => { summary.textContent = error.message; });
  });

  text.addEventListener("input", () => { diagnostics = []; extraMarks = []; paint(text.value); check(); });
  text.addEventListener("scroll", () => { marks.scrollTop = text.scrollTop; marks.scrollLeft = text.scrollLeft; });

  document.getElementById("save").addEventListener("click", () => {
    const state = document.getElementById("save-state");
    api(`${base}/text`, {method: "PUT", body: text.value, headers: {"If-Match": opened}})
      .then((saved) => { opened = saved.sha256; state.textContent = "✓"; loadSchema(); })
      .catch((error) => { state.textContent = error.message; });
  });

  api(`${base}/text`).then((loaded) => { text.value = loaded.text; opened = loaded.sha256; check(); });

  // ---------------------------------------------------------------- the side panels

  document.querySelectorAll(".tab").forEach((tab) => tab.addEventListener("click", () => {
    document.querySelectorAll(".panel").forEach((panel) => { panel.hidden = panel.id !== tab.dataset.tab; });
    document.querySelectorAll(".tab").forEach((other) => other.setAttribute("aria-selected", other === tab));
  }));

  // ---------------------------------------------------------------- the handbook: the rubric as a page

  let handbookLang = lang;
  const handbookPage = document.getElementById("handbook-page");

  function loadHandbook(source) {
    api(`/api/handbook?name=${encodeURIComponent(rubric)}&lang=${handbookLang}&format=html`,
      {method: "POST", body: source})
      .then((page) => { handbookPage.srcdoc = page; handbookPage.dataset.lang = handbookLang; })
      .catch(() => {});  // the text has errors: the editor shows them, the page stays as it was
  }

  document.querySelectorAll(".handbook-lang").forEach((button) => button.addEventListener("click", () => {
    handbookLang = button.dataset.lang;
    document.querySelectorAll(".handbook-lang").forEach((b) => b.setAttribute("aria-pressed", b === button));
    loadHandbook(text.value);
  }));

  // ---------------------------------------------------------------- example cases and coverage

  function caseItem(check) {
    const item = el("li", {class: check.state, "data-kind": check.kind},
      `${{passed: "✓", failed: "✗", skipped: "–"}[check.state]} ${check.name}`,
      check.path && check.line ? el("span", {class: "where"}, ` ${check.path}:${check.line}`) : "");
    if (check.messages.length) item.append(el("ul", {}, ...check.messages.map((m) => el("li", {}, m))));
    return item;
  }

  function uncoveredItem(rule) {
    const item = el("li", {}, rule.description, " ");
    if (ours(rule.file)) item.append(lineLink(rule.line, `${said.line} ${rule.line}`));
    else item.append(el("span", {class: "where"}, `${rule.file}:${rule.line}`));
    return item;
  }

  function showCases(tested) {
    const {hit, rules} = tested.coverage;
    document.getElementById("coverage").textContent = said.coverage.replace("{hit}", hit).replace("{rules}", rules);
    document.getElementById("coverage").dataset.hit = hit;
    document.getElementById("cases-summary").textContent = tested.ok ? "✓" : "✗";
    document.getElementById("cases-summary").dataset.ok = tested.ok;
    document.getElementById("cases-list").replaceChildren(
      ...tested.checks.filter((c) => c.kind !== "coverage").map(caseItem));
    document.getElementById("uncovered-list").replaceChildren(...tested.uncovered.map(uncoveredItem));
    document.getElementById("cases-report").textContent = tested.text;
    extraMarks = tested.uncovered.map((rule) => ({...rule, kind: "uncovered", title: rule.description}));
    paint(text.value);
  }

  document.getElementById("cases-run").addEventListener("click", () => {
    document.getElementById("cases-summary").textContent = "…";
    api(`/api/cases?${named}`, {method: "POST", body: text.value}).then(showCases)
      .catch((error) => { document.getElementById("cases-summary").textContent = error.message; });
  });

  // ---------------------------------------------------------------- the diff against the rubric extended

  function changeItem(change, words) {  // a change as the language says it, and a button to its line
    const where = change.location;
    const item = el("li", {class: "change"}, `${words} `);
    if (where && ours(where.path)) item.append(lineLink(where.line, `${said.line} ${where.line}`));
    return item;
  }

  function standing(side) {  // a candidate's total and rank under one rubric, as a table cell's text
    if (side.status === "rejected") return said.rejected;
    const placing = side.placing;
    const rank = placing && placing.rank ? ` · #${placing.rank}/${placing.of}${placing.nominated ? " ★" : ""}` : "";
    return `${side.total} ${statusWord(side.status)}${rank}`;
  }

  function moveRow(movement) {
    const nomination = {gained: "+★", lost: "−★"}[movement.nomination] || "";
    return el("tr", {"data-candidate": movement.candidate, class: movement.moved ? "moved" : ""},
      el("td", {}, movement.candidate), el("td", {}, standing(movement.old)), el("td", {}, standing(movement.new)),
      el("td", {}, movement.change || ""), el("td", {}, nomination));
  }

  function showDiff(compared) {
    const state = document.getElementById("diff-summary");
    if (!compared.extends) {
      state.textContent = said.extendsNone;
      return;
    }
    state.textContent = `${compared.extends} → ${shownAs}`;
    const pair = compared.rubrics[0];
    document.getElementById("diff-changes").replaceChildren(
      ...pair.changes.map((change, i) => changeItem(change, compared.said[i])));
    const head = el("tr", {}, ...said.movesHead.map((h) => el("th", {}, h)));
    document.getElementById("diff-moves").replaceChildren(head, ...(pair.candidates || []).map(moveRow));
    document.getElementById("diff-text").textContent = compared.text;
  }

  document.getElementById("diff-run").addEventListener("click", () => {
    document.getElementById("diff-summary").textContent = "…";
    api(`/api/diff?${named}`, {method: "POST", body: text.value}).then(showDiff)
      .catch((error) => { document.getElementById("diff-summary").textContent = error.message; });
  });

  // ---------------------------------------------------------------- what-if: one candidate as a form

  const form = document.getElementById("whatif-form");

  function field(name, schema) {
    const label = document.createElement("label");
    label.textContent = schema.title || name;
    let input;
    if (schema.enum) {
      input = document.createElement("select");
      schema.enum.forEach((member) => input.appendChild(new Option(member, member)));
      input.value = schema.default !== undefined ? schema.default : schema.enum[0];
    } else if (schema.type === "boolean") {
      input = document.createElement("input");
      input.type = "checkbox";
      input.checked = schema.default === true;
    } else if (schema.type === "array") {
      input = document.createElement("select");
      input.multiple = true;
      schema.items.enum.forEach((member) => input.appendChild(new Option(member, member)));
    } else if (schema.anyOf) {
      const number = schema.anyOf[0];
      input = document.createElement("input");
      input.type = "number";
      input.step = number.type === "integer" ? "1" : "any";
      if (number.minimum !== undefined) input.min = number.minimum;
      if (number.maximum !== undefined) input.max = number.maximum;
      input.value = schema.default !== undefined ? schema.default : (number.minimum !== undefined ? number.minimum : 0);
    } else {  // text: it groups candidates and is never scored
      input = document.createElement("input");
      input.value = schema.default || "simulasi";
    }
    input.name = name;
    label.appendChild(input);
    return label;
  }

  function candidate() {
    const values = {id: "simulasi"};
    for (const input of form.elements) {
      if (input.type === "checkbox") values[input.name] = input.checked;
      else if (input.multiple) values[input.name] = [...input.selectedOptions].map((o) => o.value);
      else if (input.type === "number") values[input.name] = input.value === "" ? null : Number(input.value);
      else if (input.value !== "") values[input.name] = input.value;
    }
    return {candidates: [values]};
  }

  const simulate = debounce(() => {
    const body = JSON.stringify(candidate());
    api(`${base}/score?format=json&lang=${lang}`, {method: "POST", body}).then((scored) => {
      const item = scored.results[0] || {...scored.rejected[0], status: "rejected"};
      document.getElementById("whatif-total").textContent = item.total || "-";
      const status = document.getElementById("whatif-status");
      status.textContent = statusWord(item.status);
      status.dataset.status = item.status;
      if (item.status === "rejected") {
        document.getElementById("whatif-margins").replaceChildren();
        document.getElementById("whatif-explanation").textContent = item.problems.map((p) => `${p.field}: ${p.message}`).join("\n");
        return;
      }
      api(`${base}/explain?lang=${lang}`, {method: "POST", body}).then((explained) => {
        document.getElementById("whatif-explanation").textContent = explained;
      });
      api(`${base}/margins?lang=${lang}`, {method: "POST", body}).then((found) => {
        document.getElementById("whatif-margins").replaceChildren(...found.margins.map((margin) =>
          el("li", {"data-criterion": margin.criterion, class: margin.state}, margin.said)));
      });
    }).catch((error) => { document.getElementById("whatif-explanation").textContent = error.message; });
  }, 150);

  function loadSchema() {
    api(`${base}/schema?lang=${lang}`).then((schema) => {
      form.innerHTML = "";
      const properties = schema.$defs.candidate.properties;
      Object.keys(properties).filter((name) => !["id", "name", "expect"].includes(name))
        .forEach((name) => form.appendChild(field(name, properties[name])));
      simulate();
    });
  }
  form.addEventListener("input", simulate);
  form.addEventListener("change", simulate);
  loadSchema();

  // ---------------------------------------------------------------- a file of candidates, scored

  let uploaded = null;  // the file scored last: a row's explanation is asked of it

  function download(link, path, file) {  // the answer to a request on the file, as a link to save it
    link.hidden = true;
    fetch(path, {method: "POST", body: file}).then((answer) => (answer.ok ? answer.blob() : null)).then((blob) => {
      if (!blob) return;
      link.href = URL.createObjectURL(blob);
      link.hidden = false;
    });
  }

  function batchRow(item) {
    const row = el("tr", {"data-id": item.candidate_id || "", class: item.status},
      el("td", {}, item.candidate_id || ""), el("td", {}, statusWord(item.status)), el("td", {}, item.total || ""),
      el("td", {}, item.rank ? `${item.rank}/${item.of}` : ""));
    if (item.status !== "rejected") row.addEventListener("click", () => explainRow(row, item.candidate_id));
    return row;
  }

  function explainRow(row, id) {
    document.querySelectorAll("#batch-table tr.chosen").forEach((other) => other.classList.remove("chosen"));
    row.classList.add("chosen");
    const shown = document.getElementById("batch-explanation");
    shown.textContent = "…";
    const query = `name=${encodeURIComponent(uploaded.name)}&candidate=${encodeURIComponent(id)}&lang=${lang}`;
    api(`${base}/explain?${query}`, {method: "POST", body: uploaded})
      .then((explained) => { shown.textContent = explained; shown.dataset.candidate = id; })
      .catch((error) => { shown.textContent = error.message; });
  }

  document.getElementById("batch-file").addEventListener("change", (event) => {
    const file = event.target.files[0];
    if (!file) return;
    uploaded = file;
    const name = encodeURIComponent(file.name);
    api(`${base}/score?name=${name}&format=json&lang=${lang}`, {method: "POST", body: file}).then((scored) => {
      const items = [...scored.results, ...(scored.rejected || []).map((r) => ({...r, status: "rejected"}))];
      const head = el("tr", {}, ...said.batchHead.map((h) => el("th", {}, h)));
      document.getElementById("batch-table").replaceChildren(head, ...items.map(batchRow));
      document.getElementById("batch-charts").replaceChildren(
        figure(contributionChart(scored.results), said.contributions),
        figure(histogram(scored.results.map((r) => Number(r.total))), said.histogram));
    }).catch((error) => { document.getElementById("batch-explanation").textContent = error.message; });
    download(document.getElementById("batch-download"), `${base}/score?name=${name}&format=csv&lang=${lang}`, file);
    download(document.getElementById("batch-xlsx"), `${base}/score?name=${name}&format=xlsx&lang=${lang}`, file);
    download(document.getElementById("batch-ledger"), `${base}/audit?name=${name}`, file);
  });

  // ---------------------------------------------------------------- charts (inline SVG)

  const SVG = "http://www.w3.org/2000/svg";
  const COLOURS = ["#1f4e5f", "#4c8c9e", "#c78b00", "#8a5a9e", "#5f8f3e", "#b0413e", "#6d6d6d", "#2f6fb0"];

  function svg(tag, attributes = {}, ...children) {
    const element = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    for (const child of children) element.append(child instanceof Node ? child : String(child));
    return element;
  }

  // Each candidate's total as a bar, split into what each top-level criterion contributes to it.
  function contributionChart(results) {
    const names = [...new Set(results.flatMap((r) => r.criteria.filter((c) => c.parent === null).map((c) => c.name)))];
    const top = Math.max(100, ...results.map((r) => Number(r.total)));
    const row = 18, left = 150, width = 300, height = results.length * row + 16 + Math.ceil(names.length / 3) * 14;
    const chart = svg("svg", {id: "contributions", viewBox: `0 0 ${left + width + 60} ${height}`, role: "img"},
      svg("title", {}, said.contributions));
    results.forEach((result, i) => {
      let x = left;
      chart.append(svg("text", {x: left - 6, y: i * row + 13, "text-anchor": "end"}, result.candidate_id));
      result.criteria.filter((c) => c.parent === null).forEach((criterion) => {
        const w = Number(criterion.contribution) / top * width;
        chart.append(svg("rect", {x, y: i * row + 3, width: Math.max(w, 0), height: row - 6,
          fill: COLOURS[names.indexOf(criterion.name) % COLOURS.length], "data-criterion": criterion.name},
        svg("title", {}, `${criterion.name}: ${criterion.contribution}`)));
        x += Math.max(w, 0);
      });
      chart.append(svg("text", {x: x + 4, y: i * row + 13}, result.total));
    });
    names.forEach((name, i) => {
      const x = left + (i % 3) * 110, y = results.length * row + 8 + Math.floor(i / 3) * 14;
      chart.append(svg("rect", {x, y, width: 10, height: 10, fill: COLOURS[i % COLOURS.length]}),
        svg("text", {x: x + 14, y: y + 9, class: "legend"}, name));
    });
    return chart;
  }

  // How many totals fall in each tenth of the scale (the top tenth takes the scale's top too).
  function histogram(totals) {
    const top = Math.max(100, ...totals), bins = Array(10).fill(0);
    totals.forEach((t) => { bins[Math.min(9, Math.floor(t / top * 10))] += 1; });
    const most = Math.max(1, ...bins), barWidth = 36, height = 80, left = 12;
    const chart = svg("svg", {id: "histogram", viewBox: `0 0 ${left * 2 + barWidth * 10} ${height + 30}`, role: "img"},
      svg("title", {}, said.histogram));
    bins.forEach((count, i) => {
      const h = count / most * height, x = left + i * barWidth;
      chart.append(svg("rect", {x: x + 2, y: height - h + 12, width: barWidth - 4, height: h, fill: "#4c8c9e",
        "data-count": count}, svg("title", {}, `${i * top / 10}–${(i + 1) * top / 10}: ${count}`)));
      if (count) chart.append(svg("text", {x: x + barWidth / 2, y: height - h + 9, "text-anchor": "middle"}, count));
    });
    for (let i = 0; i <= 10; i++) {
      chart.append(svg("text", {x: left + i * barWidth, y: height + 26, "text-anchor": "middle"}, i * top / 10));
    }
    chart.append(svg("line", {x1: left, y1: height + 12, x2: left + barWidth * 10, y2: height + 12, stroke: "#5b6270"}));
    return chart;
  }

  function figure(chart, caption) {
    return el("figure", {}, chart, el("figcaption", {}, caption));
  }

  // ---------------------------------------------------------------- a ledger, replayed

  function showDivergence(report) {
    const box = document.getElementById("replay-divergence");
    const first = report.first_divergence, quote = report.quote;
    box.hidden = !first;
    if (!first) return;
    const where = quote ? `${quote.file}:${quote.line}` : "";
    box.replaceChildren(
      el("p", {}, said.divergence.replace("{line}", first.line).replace("{candidate}", first.candidate)
        .replace("{step}", first.step)),
      el("p", {}, `${said.recorded}: ${JSON.stringify(first.recorded)}`),
      el("p", {}, `${said.recomputed}: ${JSON.stringify(first.recomputed)}`),
      first.reads.length ? el("p", {}, `${said.reads}: ${first.reads.map(([name, value]) => `${name} = ${value}`)
        .join(", ")}`) : "");
    if (!quote) return;
    box.append(el("p", {class: "where"}, where), el("pre", {class: "quote", "data-line": quote.line},
      `${quote.line} | ${quote.text}`));
    if (quote.file === shownAs) {
      box.append(lineLink(quote.line, said.showInText));
      extraMarks = [{file: quote.file, line: quote.line, column: 1, end_line: quote.line,
        end_column: quote.text.length + 1, kind: "diverged", title: first.step}];
      paint(text.value);
    }
  }

  document.getElementById("replay-file").addEventListener("change", (event) => {
    const file = event.target.files[0];
    if (!file) return;
    const current = document.getElementById("replay-current").checked ? "?against_current=true" : "";
    api(`/api/replay${current}`, {method: "POST", body: file}).then((report) => {
      const shown = document.getElementById("replay-report");
      shown.textContent = report.text;
      shown.dataset.ok = report.ok;
      showDivergence(report);
    }).catch((error) => { document.getElementById("replay-report").textContent = error.message; });
  });
}
