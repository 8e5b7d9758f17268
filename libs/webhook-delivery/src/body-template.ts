import Mustache from 'mustache';

/**
 * Renders a Mustache body template. Values are escaped for a JSON string
 * (the usual body is JSON), not for HTML as Mustache does by default.
 * A template reads only the view's own data: Mustache looks names up with `in` and calls
 * what it finds, so `{{constructor.constructor}}` would otherwise reach `Function`.
 */
export function renderBody(template: string | undefined, view: object): string {
  if (template === undefined) return JSON.stringify(view);
  const problem = templateProblem(template);
  if (problem !== undefined) throw new Error(`unusable body template: ${problem}`);
  return Mustache.render(template, ownDataOnly(view), {}, { escape: jsonEscape });
}

/** Names no notification holds, and that Mustache would find on every object's prototype. */
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

type Token = [string, string, number, number, Token[]?];

/**
 * Why a body template cannot be used, or undefined: a Mustache syntax error, or a name that
 * is a member of every object (`constructor`, `hasOwnProperty`, `__proto__`, …) — never data,
 * and `{{hasOwnProperty}}` breaks Mustache's own lookup cache.
 */
export function templateProblem(template: string): string | undefined {
  let tokens: Token[];
  try {
    tokens = Mustache.parse(template) as Token[];
  } catch (error) {
    return (error as Error).message;
  }
  const pending = [...tokens];
  for (let token = pending.pop(); token; token = pending.pop()) {
    const [type, name, , , children] = token;
    if (type === 'text') continue;
    const reserved = name.split('.').find((segment) => PROTOTYPE_NAMES.has(segment));
    if (reserved !== undefined)
      return `{{${name}}} names ${reserved}, which is not notification data`;
    if (children) pending.push(...children);
  }
  return undefined;
}

function jsonEscape(value: unknown): string {
  // JSON.stringify answers undefined for undefined (a value the view does not hold).
  const json = JSON.stringify(value) as string | undefined;
  const text = typeof value === 'string' ? value : (json ?? '');
  return JSON.stringify(text).slice(1, -1);
}

/** The view as Mustache sees it: own properties only, no functions, at every depth. */
function ownDataOnly<T extends object>(target: T): T {
  return new Proxy(target, {
    has: (object, key) => Object.hasOwn(object, key),
    get: (object, key) => {
      if (!Object.hasOwn(object, key)) return undefined;
      const value: unknown = Reflect.get(object, key);
      if (typeof value === 'function') return undefined;
      return typeof value === 'object' && value !== null ? ownDataOnly(value) : value;
    },
  });
}
