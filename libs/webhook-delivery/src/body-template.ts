import Mustache from 'mustache';

/**
 * Renders a Mustache body template. Values are escaped for a JSON string
 * (the usual body is JSON), not for HTML as Mustache does by default.
 */
export function renderBody(template: string | undefined, view: object): string {
  if (template === undefined) return JSON.stringify(view);
  return Mustache.render(template, view, {}, { escape: jsonEscape });
}

function jsonEscape(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(text).slice(1, -1);
}
