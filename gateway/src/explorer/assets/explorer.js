/* The explorer page's own script (served as a file, so the page's CSP needs no inline script).
 * It mounts GraphiQL on the chosen endpoint; in development it offers persona presets that
 * fill the Headers pane with a fresh development token, and it shows the cost the gateway
 * reports in `extensions.cost` for each answer. */
/* global document, fetch, Option, GraphiQL, React, ReactDOM */
'use strict';

const DEFAULT_QUERY = `# Mission Graph: one graph over every pillar of the mission.
# Field docs (Docs pane) say which scope and purpose each field needs.
# Data needs a token in the Headers pane; personal data also an X-Access-Purpose:
#   { "authorization": "Bearer <pnpm --silent run token --scopes 'statistics:read'>",
#     "x-access-purpose": "<case reference>: <reason>" }
{
  missionReport(from: "2018-06-01", to: "2025-06-14") {
    policeCooperation { europolRequests serbianMoiRequests interpolRequests }
    forensics { fieldOperations exhumations individualsIdentified missingPersonsIdentified }
  }
}
`;

const root = ReactDOM.createRoot(document.getElementById('explorer'));
const picker = document.getElementById('persona');
const endpointLabel = document.getElementById('endpoint');
const costLabel = document.getElementById('cost');
const personaLabel = document.getElementById('persona-description');

/** `extensions.cost` of an answer, e.g. "cost 12 (max 5000)"; nothing when the answer has none. */
function showCost(result) {
  const cost = result && result.extensions && result.extensions.cost;
  if (!cost || typeof cost.estimated !== 'number') {
    costLabel.textContent = '';
    return;
  }
  costLabel.textContent = `cost ${cost.estimated}${typeof cost.max === 'number' ? ` (max ${cost.max})` : ''}`;
}

/** GraphiQL's fetcher answers with a value, a promise or an async iterable (multipart): show the cost of each answer. */
function observeCost(result) {
  if (result && typeof result.then === 'function') return result.then(observeCost);
  if (result && typeof result[Symbol.asyncIterator] === 'function') {
    return (async function* tap() {
      for await (const payload of result) {
        showCost(payload);
        yield payload;
      }
    })();
  }
  showCost(result);
  return result;
}

function mount(endpoint, headers, key) {
  const base = GraphiQL.createFetcher({ url: endpoint });
  // Introspection runs through the fetcher too; only the answers to the user's operations set the cost.
  const fetcher = (params, options) =>
    params.operationName === 'IntrospectionQuery' ? base(params, options) : observeCost(base(params, options));
  endpointLabel.textContent = `endpoint ${endpoint}`;
  costLabel.textContent = '';
  root.render(
    React.createElement(GraphiQL, {
      key,
      fetcher,
      defaultQuery: DEFAULT_QUERY,
      headers,
      defaultEditorToolsVisibility: 'headers',
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    }),
  );
}

async function choose(persona) {
  const response = await fetch(`/explorer/personas/${encodeURIComponent(persona.id)}/token`, { method: 'POST' });
  const { endpoint, headers } = await response.json();
  personaLabel.textContent = persona.description;
  mount(endpoint, JSON.stringify(headers, null, 2), `${persona.id}-${Date.now()}`);
}

async function start() {
  // Development gateways offer personas; anywhere else this answers 404 and the picker stays hidden.
  const response = await fetch('/explorer/personas').catch(() => undefined);
  const personas = response && response.ok ? (await response.json()).personas : [];
  if (personas.length === 0) {
    mount('/graphql', '', 'plain');
    return;
  }
  for (const persona of personas) picker.add(new Option(persona.label, persona.id));
  picker.parentElement.hidden = false;
  picker.addEventListener('change', () => choose(personas.find((persona) => persona.id === picker.value)));
  await choose(personas[0]);
}

start();
