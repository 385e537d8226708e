// The studio's pages, on the HTTP API: live checking, saving, the handbook, what-if, scoring a file, replay.
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

if (workbench) {
  const rubric = workbench.dataset.rubric, lang = workbench.dataset.lang;
  const base = `/api/rubrics/${rubric}`;
  const text = document.getElementById("text"), marks = document.getElementById("marks");
  const list = document.getElementById("diagnostics"), summary = document.getElementById("summary");
  let opened = null;

  // ---------------------------------------------------------------- the editor and its diagnostics

  function offset(lines, line, column) {  // a 1-based line and column as an offset into the text
    let at = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i++) at += lines[i].length + 1;
    return at + column - 1;
  }

  function underline(source, diagnostics) {
    const lines = source.split("\n");
    const spans = diagnostics.filter((d) => d.file === null || d.file.endsWith(rubric) || d.file.endsWith("untitled.rubric"))
      .map((d) => {
        const start = offset(lines, d.line, d.column);
        let end = offset(lines, d.end_line || d.line, d.end_column || d.column + 1);
        if (end <= start) end = start + 1;
        return {start, end, d};
      }).sort((a, b) => a.start - b.start);
    let html = "", at = 0;
    for (const span of spans) {
      if (span.start < at) continue;
      html += escapeHtml(source.slice(at, span.start));
      const message = span.d.message + (span.d.hint ? `\nhint: ${span.d.hint}` : "");
      html += `<mark class="${span.d.severity}" data-code="${span.d.code}" data-line="${span.d.line}" title="${escapeHtml(message)}">`
        + escapeHtml(source.slice(span.start, span.end)) + "</mark>";
      at = span.end;
    }
    marks.innerHTML = html + escapeHtml(source.slice(at)) + "\n";
  }

  function show(found) {
    underline(text.value, found.diagnostics);
    list.innerHTML = "";
    const messages = found.text ? found.text.split("\n\n") : [];
    found.diagnostics.forEach((d, i) => {
      const item = document.createElement("li");
      item.className = d.severity;
      item.dataset.code = d.code;
      item.dataset.line = d.line;
      item.textContent = `${d.line}:${d.column} ${d.code} ${(messages[i] || d.message).split("\n")[0].replace(/^\w+\[\w+\]: /, "")}`;
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
      .then((formatted) => { text.value = formatted; check(); })
      .catch((error) => { summary.textContent = error.message; });
  });

  text.addEventListener("input", () => { underline(text.value, []); check(); });
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

  function loadHandbook(source) {
    api(`/api/handbook?${named}`, {method: "POST", body: source}).then((markdown) => {
      document.getElementById("handbook-text").textContent = markdown;
    });
  }

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
      document.getElementById("whatif-status").textContent = item.status;
      if (item.status === "rejected") {
        document.getElementById("whatif-explanation").textContent = item.problems.map((p) => `${p.field}: ${p.message}`).join("\n");
        return;
      }
      api(`${base}/explain?lang=${lang}`, {method: "POST", body}).then((explained) => {
        document.getElementById("whatif-explanation").textContent = explained;
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

  document.getElementById("batch-file").addEventListener("change", (event) => {
    const file = event.target.files[0];
    if (!file) return;
    const name = encodeURIComponent(file.name);
    api(`${base}/score?name=${name}&format=json&lang=${lang}`, {method: "POST", body: file}).then((scored) => {
      const items = [...scored.results, ...(scored.rejected || []).map((r) => ({...r, status: "rejected"}))];
      const table = document.getElementById("batch-table");
      const top = Math.max(...items.map((i) => Number(i.total) || 0), 1);
      table.innerHTML = "<tr><th>id</th><th>status</th><th>total</th><th></th></tr>" + items.map((i) =>
        `<tr data-id="${escapeHtml(i.candidate_id || "")}"><td>${escapeHtml(i.candidate_id || "")}</td><td>${i.status}</td>`
        + `<td>${i.total || ""}</td><td><span class=bar style="width:${(Number(i.total) || 0) / top * 12}rem"></span></td></tr>`).join("");
    });
    fetch(`${base}/score?name=${name}&format=csv&lang=${lang}`, {method: "POST", body: file}).then((a) => a.blob())
      .then((blob) => {
        const link = document.getElementById("batch-download");
        link.href = URL.createObjectURL(blob);
        link.hidden = false;
      });
  });

  // ---------------------------------------------------------------- a ledger, replayed

  document.getElementById("replay-file").addEventListener("change", (event) => {
    const file = event.target.files[0];
    if (!file) return;
    api("/api/replay", {method: "POST", body: file}).then((report) => {
      const shown = document.getElementById("replay-report");
      shown.textContent = report.text;
      shown.dataset.ok = report.ok;
    }).catch((error) => { document.getElementById("replay-report").textContent = error.message; });
  });
}
