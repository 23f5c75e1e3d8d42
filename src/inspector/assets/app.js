// The inspector page. Everything from a delivery is hostile: it is only ever put in the page as
// text (textContent, attribute values), never parsed as HTML. No framework, no build step.
const token = document.querySelector('meta[name="whtool-token"]').content;
const PAGE = 100;

const $ = (id) => document.getElementById(id);
/** Builds an element; string children become text nodes, never markup. */
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(
      typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child,
    );
  }
  return node;
}

async function api(path, init) {
  const response = await fetch(path, init);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
}

const state = { items: [], next: null, selected: null, facets: { providers: [], events: [] } };

function filterQuery() {
  const params = new URLSearchParams();
  const add = (name, value) => value && params.set(name, value);
  add("provider", $("f-provider").value);
  add("event", $("f-event").value);
  add("verified", $("f-verified").value);
  add("q", $("f-q").value.trim());
  return params;
}

function setOptions(select, values, allLabel) {
  const current = select.value;
  select.replaceChildren(
    el("option", { value: "" }, allLabel),
    ...values.map((v) => el("option", { value: v }, v)),
  );
  select.value = values.includes(current) ? current : "";
}

// Loads overlap (typing, live events, filter changes): only the latest one may render.
let loadSeq = 0;
async function loadList({ append = false } = {}) {
  const mine = ++loadSeq;
  const params = filterQuery();
  params.set("limit", String(append ? PAGE : Math.min(Math.max(PAGE, state.items.length), 500)));
  if (append && state.next !== null) params.set("before", String(state.next));
  const page = await api(`/api/deliveries?${params}`);
  if (mine !== loadSeq) return;
  state.items = append ? [...state.items, ...page.items] : page.items;
  state.next = page.next;
  setOptions($("f-provider"), page.facets.providers, "all providers");
  setOptions($("f-event"), page.facets.events, "all events");
  $("counts").textContent =
    `${page.matched} of ${page.total} deliveries${page.dropped ? ` (${page.dropped} older ones not held; the capture file has them)` : ""}`;
  renderList();
}

function time(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

function verdictCell(s) {
  if (s.verified === null) return el("span", { class: "badge unknown" }, "no verdict");
  return s.verified
    ? el("span", { class: "badge ok" }, "verified")
    : el("span", { class: "badge bad" }, s.reason ?? "failed");
}

function marks(s) {
  return [
    s.duplicateOf ? el("span", { class: "mark dup", title: `duplicate of ${s.duplicateOf}` }, "dup") : null,
    s.attempt !== null && s.attempt > 1
      ? el("span", { class: "mark retry", title: "provider retry" }, `retry #${s.attempt}`)
      : null,
    s.forward
      ? el(
          "span",
          { class: "mark fwd", title: "what the app answered" },
          `app ${s.forward.status ?? s.forward.error}`,
        )
      : null,
  ];
}

function renderList() {
  const rows = state.items.map((s) =>
    el(
      "tr",
      {
        "data-id": s.id,
        class: s.id === state.selected ? "selected" : undefined,
        tabindex: "0",
        onclick: () => select(s.id),
        onkeydown: (e) => e.key === "Enter" && select(s.id),
      },
      el("td", { class: "time", title: s.receivedAt }, time(s.receivedAt)),
      el("td", {}, s.provider ?? "?"),
      el("td", { class: "event" }, s.event ?? s.path),
      el("td", {}, verdictCell(s)),
      el("td", { class: "status" }, s.status === null ? "–" : String(s.status)),
      el("td", { class: "marks" }, marks(s)),
    ),
  );
  $("list").tBodies[0].replaceChildren(...rows);
  $("more").hidden = state.next === null;
  $("empty").hidden = state.items.length > 0;
}

let reloadTimer = null;
function scheduleReload() {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => loadList().catch(showError), 150);
}

function showError(error) {
  $("counts").textContent = `error: ${error.message}`;
}

// ---- detail ----

function section(title, ...content) {
  return el("section", { class: "block" }, el("h3", {}, title), ...content);
}

function kvTable(rows, className) {
  return el(
    "table",
    { class: `kv ${className ?? ""}` },
    rows.map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", {}, v))),
  );
}

function bodyBlock(body, label) {
  if (!body) return el("p", { class: "muted" }, "no body");
  const tabs = [];
  if (body.pretty !== null) tabs.push(["pretty", body.pretty]);
  if (body.text !== null) tabs.push(["raw", body.text]);
  tabs.push(["base64", body.base64]);
  const pre = el("pre", { class: "body", "data-view": tabs[0][0] }, tabs[0][1]);
  const buttons = tabs.map(([name, text], i) =>
    el(
      "button",
      {
        type: "button",
        class: i === 0 ? "tab active" : "tab",
        onclick: (e) => {
          pre.textContent = text;
          pre.dataset.view = name;
          for (const b of e.target.parentNode.children) b.classList.toggle("active", b === e.target);
        },
      },
      name,
    ),
  );
  return el(
    "div",
    { class: "body-block", "aria-label": label },
    el("div", { class: "tabs" }, buttons, el("span", { class: "muted" }, ` ${body.bytes} bytes`)),
    pre,
  );
}

function diffBlock(lines) {
  return el(
    "pre",
    { class: "diff" },
    lines.map((l) =>
      el("span", { class: l.op === "+" ? "add" : l.op === "-" ? "del" : "same" }, `${l.op} ${l.text}\n`),
    ),
  );
}

async function select(id) {
  state.selected = id;
  for (const row of $("list").tBodies[0].rows) row.classList.toggle("selected", row.dataset.id === id);
  history.replaceState(null, "", `#${encodeURIComponent(id)}`);
  try {
    const detail = await api(`/api/deliveries/${encodeURIComponent(id)}`);
    // A slower answer for an earlier click must not replace the delivery chosen since.
    if (state.selected === id) renderDetail(detail);
  } catch (error) {
    if (state.selected !== id) return;
    $("detail").hidden = false;
    $("detail").dataset.id = id;
    $("detail").replaceChildren(el("p", { class: "bad" }, `could not load ${id}: ${error.message}`));
  }
}

function renderDetail(d) {
  const s = d.summary;
  const v = d.verdict;
  const blocks = [
    el(
      "div",
      { class: "detail-head" },
      el("h2", {}, `${d.method} ${d.path}`),
      verdictCell(s),
      ...marks(s),
      el(
        "button",
        {
          type: "button",
          class: "close",
          onclick: () => {
            state.selected = null;
            $("detail").hidden = true;
            delete $("detail").dataset.id;
            renderList();
          },
        },
        "close",
      ),
    ),
    kvTable([
      ["id", s.id],
      ["received", s.receivedAt],
      ["from", d.remote ?? "?"],
      ["provider", s.provider ?? "not detected"],
      ["event", s.event ?? "–"],
      ["whtool answered", d.response ? String(d.response.status) : d.forward ? "the app's status" : "–"],
    ]),
  ];
  if (d.oversizeBytes !== null)
    blocks.push(
      el(
        "p",
        { class: "bad" },
        `body of ${d.oversizeBytes} bytes was over the limit: answered 413, not kept`,
      ),
    );
  if (v) {
    blocks.push(
      section(
        "checks",
        el(
          "ol",
          { class: "checks" },
          v.checks.map((c) =>
            el(
              "li",
              { class: c.ok ? "ok" : "bad" },
              el("b", {}, `${c.ok ? "✓" : "✗"} ${c.name}`),
              " ",
              c.detail,
            ),
          ),
        ),
      ),
    );
    if (v.diagnosis.length > 0)
      blocks.push(
        section(
          "diagnosis",
          el(
            "ul",
            { class: "diagnosis" },
            v.diagnosis.map((x) =>
              el("li", {}, el("b", {}, x.code), ": ", x.detail, el("div", { class: "fix" }, "fix: ", x.fix)),
            ),
          ),
        ),
      );
    if (Object.keys(v.deliveryHeaders).length > 0)
      blocks.push(section("delivery headers", kvTable(Object.entries(v.deliveryHeaders))));
  }
  blocks.push(section(`headers (${d.headers.length}, in received order)`, kvTable(d.headers, "headers")));
  blocks.push(
    section(
      "body",
      bodyBlock(d.body, "request body"),
      el(
        "a",
        {
          class: "button",
          href: `/api/deliveries/${encodeURIComponent(s.id)}/body`,
          download: `${s.id}.body`,
        },
        "download exact body",
      ),
    ),
  );
  if (s.dedupeKey || d.attempts.length > 1)
    blocks.push(
      section(
        "dedupe",
        kvTable([
          ["dedupe key", s.dedupeKey ?? "–"],
          ["first seen", s.duplicateOf ?? "this delivery"],
        ]),
        el(
          "ol",
          { class: "attempts" },
          d.attempts.map((a) =>
            el(
              "li",
              {},
              a.id === s.id
                ? el("b", {}, `${a.id} (this one)`)
                : el(
                    "a",
                    {
                      href: `#${encodeURIComponent(a.id)}`,
                      onclick: (e) => {
                        e.preventDefault();
                        select(a.id);
                      },
                    },
                    a.id,
                  ),
              ` ${a.receivedAt} `,
              verdictCell(a),
              ` answered ${a.status ?? "–"}`,
            ),
          ),
        ),
      ),
    );
  if (d.diff)
    blocks.push(
      section(
        "diff against the previous attempt",
        el("p", { class: "muted" }, d.diff.against),
        el("h4", {}, "headers"),
        diffBlock(d.diff.headers),
        el("h4", {}, "body"),
        diffBlock(d.diff.body),
      ),
    );
  if (d.forward)
    blocks.push(
      section(
        "the app answered",
        kvTable([
          ["forwarded to", d.forward.url],
          ["status", d.forward.status === null ? `no answer (${d.forward.error})` : String(d.forward.status)],
          ["took", `${d.forward.durationMs} ms`],
        ]),
        d.forward.headers ? kvTable(d.forward.headers, "headers") : null,
        d.forward.body ? bodyBlock(d.forward.body, "app response body") : null,
      ),
    );
  blocks.push(replayBlock(d));
  $("detail").hidden = false;
  $("detail").dataset.id = s.id;
  $("detail").replaceChildren(...blocks);
}

function replayBlock(d) {
  const url = el("input", {
    type: "url",
    id: "replay-url",
    placeholder: "http://127.0.0.1:3000/webhooks",
    "aria-label": "replay to",
  });
  url.value = d.replay.forwardTo ?? "";
  const resign = el("input", { type: "checkbox", id: "replay-resign" });
  const result = el("div", { id: "replay-result" });
  const send = el(
    "button",
    {
      type: "button",
      id: "replay",
      onclick: async () => {
        send.disabled = true;
        result.replaceChildren(el("p", { class: "muted" }, "sending…"));
        try {
          const r = await api(`/api/deliveries/${encodeURIComponent(d.summary.id)}/replay`, {
            method: "POST",
            headers: { "content-type": "application/json", "x-whtool-token": token },
            body: JSON.stringify({ url: url.value.trim(), resign: resign.checked }),
          });
          result.replaceChildren(
            kvTable(
              [
                ["sent to", r.url],
                ["re-signed", r.resigned ? "yes, fresh timestamp" : "no, exact bytes"],
                ["status", r.status === null ? `no answer (${r.error})` : String(r.status)],
                ["took", `${r.durationMs} ms`],
              ],
              "replay-answer",
            ),
            kvTable(r.headers, "headers"),
            bodyBlock(r.body, "replay response body"),
          );
        } catch (error) {
          result.replaceChildren(el("p", { class: "bad" }, `replay failed: ${error.message}`));
        } finally {
          send.disabled = false;
        }
      },
    },
    "Replay",
  );
  const copy = el(
    "button",
    {
      type: "button",
      id: "copy-curl",
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(d.curl);
          copy.textContent = "copied";
        } catch {
          curl.hidden = false;
        }
      },
    },
    "copy as curl",
  );
  const curl = el("pre", { class: "curl", hidden: true }, d.curl);
  return section(
    "replay",
    el(
      "div",
      { class: "replay-form" },
      url,
      d.replay.canResign ? el("label", {}, resign, " re-sign with a fresh timestamp") : null,
      send,
      copy,
    ),
    curl,
    result,
  );
}

// ---- wiring ----

for (const id of ["f-provider", "f-event", "f-verified"])
  $(id).addEventListener("change", () => loadList().catch(showError));
let typing = null;
$("f-q").addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(() => loadList().catch(showError), 200);
});
$("filters").addEventListener("submit", (e) => e.preventDefault());
$("more").addEventListener("click", () => loadList({ append: true }).catch(showError));

const events = new EventSource("/api/events");
events.addEventListener("open", () => {
  $("live").textContent = "live";
  $("live").className = "live on";
  // After a reconnect, catch up with what arrived while the stream was down.
  scheduleReload();
});
events.addEventListener("error", () => {
  $("live").textContent = "reconnecting…";
  $("live").className = "live";
});
events.addEventListener("delivery", scheduleReload);
events.addEventListener("reset", scheduleReload);
events.addEventListener("forward", (e) => {
  scheduleReload();
  const { id } = JSON.parse(e.data);
  if (id === state.selected) select(id);
});

loadList()
  .then(() => {
    const wanted = decodeURIComponent(location.hash.slice(1));
    if (wanted) select(wanted);
  })
  .catch(showError);
