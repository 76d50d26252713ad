import { describe, expect, it } from 'vitest';
import { renderConfig, renderTemplate } from './template.js';

const scope = { vars: { name: 'Asha', n: 3, nested: { city: 'Pune' } }, steps: { agent: { agent_response: 'Hello!' } } };

describe('templates', () => {
  it('replaces flat variables, nested paths and step outputs', () => {
    expect(renderTemplate('Hi {{name}} ({{n}}) from {{ nested.city }}: {{steps.agent.agent_response}}', scope)).toEqual({
      text: 'Hi Asha (3) from Pune: Hello!',
      missing: [],
    });
  });

  it('leaves a missing variable as written and reports it', () => {
    expect(renderTemplate('Dear {{first_name}}', scope)).toEqual({ text: 'Dear {{first_name}}', missing: ['first_name'] });
  });

  it('cannot reach prototypes or constructors', () => {
    const r = renderTemplate('{{__proto__}} {{constructor}} {{name.constructor}} {{steps.__proto__.x}} {{toString}}', scope);
    expect(r.text).toBe('{{__proto__}} {{constructor}} {{name.constructor}} {{steps.__proto__.x}} {{toString}}');
    expect(r.missing).toHaveLength(5);
  });

  it('treats template text as data, never code', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text holds a JavaScript placeholder on purpose, to show it stays text
    expect(renderTemplate('{{name}}${process.exit(1)} {{ name + 1 }}', scope).text).toBe('Asha${process.exit(1)} {{ name + 1 }}');
  });

  it('renders every string inside a config, objects and arrays included', () => {
    const r = renderConfig({ to: '{{name}}', fields: { city: '{{nested.city}}', tags: ['{{n}}', 5] }, __proto__x: 1 }, scope);
    expect(r.value).toEqual({ to: 'Asha', fields: { city: 'Pune', tags: ['3', 5] }, __proto__x: 1 });
  });
});
