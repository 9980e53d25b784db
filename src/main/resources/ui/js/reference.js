// The API reference: API v1's OpenAPI document (GET /api/v1/openapi.json) as a page.

import {api, ApiError} from './api.js';
import {h, replaceContent} from './dom.js';

/** The name a $ref points at ("#/components/schemas/Task" -> "Task"), or null. */
function refName(schema) {
  return schema && schema.$ref ? schema.$ref.split('/').pop() : null;
}

/** A schema in a few words: a link to a named schema, "array of …", its type and limits. */
function typeOf(schema) {
  if (!schema) return '';
  const name = refName(schema);
  if (name) return h('a', {href: `#schema-${name}`}, name);
  if (schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array'))) {
    return h('span', {}, 'array of ', typeOf(schema.items));
  }
  const parts = [Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type || 'any')];
  if (schema.enum) parts.push(`one of ${schema.enum.join(', ')}`);
  if (schema.const !== undefined) parts.push(`always ${JSON.stringify(schema.const)}`);
  if (schema.maxLength !== undefined) parts.push(`at most ${schema.maxLength} characters`);
  if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
  if (schema.pattern) parts.push(`matching ${schema.pattern}`);
  return h('span', {}, parts.join(', '));
}

function parameters(list) {
  if (!list || !list.length) return null;
  return h('table', {class: 'reference'},
    h('caption', {class: 'visually-hidden'}, 'Parameters'),
    h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'parameter'), h('th', {scope: 'col'}, 'in'),
      h('th', {scope: 'col'}, 'type'), h('th', {scope: 'col'}, 'what it does'))),
    h('tbody', {}, ...list.map((p) => h('tr', {},
      h('td', {class: 'mono'}, p.name + (p.required ? ' (required)' : '')), h('td', {}, p.in),
      h('td', {}, typeOf(p.schema)), h('td', {}, p.description || '')))));
}

function responses(document, map) {
  return h('ul', {class: 'responses'}, ...Object.entries(map).map(([status, r]) => {
    const response = r.$ref ? document.components.responses[r.$ref.split('/').pop()] : r;
    const content = response.content ? Object.entries(response.content)[0] : null;
    return h('li', {}, h('strong', {class: 'mono'}, status), ' ', response.description,
      content ? h('span', {class: 'muted'}, ' — ', content[0], ' ', typeOf(content[1].schema)) : '');
  }));
}

function operation(document, method, path, op) {
  const body = op.requestBody?.content?.['application/json']?.schema;
  return h('section', {class: 'operation', id: `op-${op.operationId}`},
    h('h3', {}, h('span', {class: `method method-${method}`}, method.toUpperCase()), ' ',
      h('code', {}, path), ' ', h('span', {class: 'muted'}, op.summary || '')),
    op.description ? h('p', {}, op.description) : null,
    parameters(op.parameters),
    body ? h('p', {}, 'Body: ', typeOf(body), op.requestBody.description ? ` — ${op.requestBody.description}` : '') : null,
    responses(document, op.responses));
}

function schemaSection(name, schema) {
  const required = new Set(schema.required || []);
  const rows = Object.entries(schema.properties || {}).map(([field, s]) => h('tr', {},
    h('td', {class: 'mono'}, field + (required.has(field) ? '' : ' (optional)')),
    h('td', {}, typeOf(s)), h('td', {}, s.description || '')));
  return h('section', {class: 'schema', id: `schema-${name}`, tabindex: '-1'},
    h('h3', {}, name), schema.description ? h('p', {}, schema.description) : null,
    rows.length
      ? h('table', {class: 'reference'},
        h('caption', {class: 'visually-hidden'}, `Fields of ${name}`),
        h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'field'), h('th', {scope: 'col'}, 'type'),
          h('th', {scope: 'col'}, 'meaning'))),
        h('tbody', {}, ...rows))
      : h('p', {}, typeOf(schema), schema.description ? '' : ''));
}

export function referencePage(main) {
  document.title = 'API · Igor';
  replaceContent(main, h('h1', {}, 'API v1'), h('p', {class: 'muted'}, 'Loading the contract…'));
  let gone = false;
  api.contract().then((document) => {
    if (gone) return;
    const byTag = new Map();
    for (const [path, ops] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const tag = (op.tags && op.tags[0]) || 'other';
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag).push(operation(document, method, path, op));
      }
    }
    replaceContent(main,
      h('div', {class: 'page-head'}, h('h1', {}, document.info.title, ' ', document.info.version),
        h('a', {class: 'button small', href: '/api/v1/openapi.json', download: 'igor-openapi.json'}, 'openapi.json')),
      h('p', {}, document.info.description),
      ...[...byTag.entries()].map(([tag, ops]) => h('section', {'aria-label': tag}, h('h2', {}, tag), ...ops)),
      h('section', {'aria-label': 'schemas'}, h('h2', {}, 'Schemas'),
        ...Object.entries(document.components.schemas).map(([name, s]) => schemaSection(name, s))));
  }).catch((e) => {
    if (gone) return;
    replaceContent(main, h('h1', {}, 'API v1'),
      h('p', {class: 'error', role: 'alert'}, e instanceof ApiError ? e.message : String(e)));
  });
  return () => { gone = true; };
}
