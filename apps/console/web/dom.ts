/** Small DOM helpers: every element is built through the DOM API, never from HTML strings. */

export type Child = Node | string | number | false | undefined;

export interface Props {
  class?: string;
  text?: string | number;
  title?: string;
  /** `data-*` attributes, without the prefix. */
  data?: Record<string, string>;
  attrs?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class !== undefined) node.className = props.class;
  if (props.title !== undefined) node.title = props.title;
  for (const [key, value] of Object.entries(props.data ?? {})) node.dataset[key] = value;
  for (const [key, value] of Object.entries(props.attrs ?? {})) node.setAttribute(key, value);
  if (props.text !== undefined) node.textContent = String(props.text);
  for (const child of children) {
    if (child === false || child === undefined) continue;
    node.append(typeof child === 'number' ? String(child) : child);
  }
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  ...children: SVGElement[]
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  node.append(...children);
  return node;
}

/** The element matching `selector` inside `root`: it must exist and be of the `kind` given. */
export function part<T extends Element>(root: ParentNode, selector: string, kind: new () => T): T {
  const node = root.querySelector(selector);
  if (!(node instanceof kind)) throw new Error(`console page: ${selector} is missing`);
  return node;
}

/** The element with this `data-testid` (the hooks browser tests use). */
export function byTestId(root: ParentNode, id: string): HTMLElement;
export function byTestId<T extends Element>(root: ParentNode, id: string, kind: new () => T): T;
export function byTestId(
  root: ParentNode,
  id: string,
  kind: new () => Element = HTMLElement,
): Element {
  return part(root, `[data-testid="${id}"]`, kind);
}

/** The element with this `data-role` (parts the page fills that tests do not name). */
export function byRole(root: ParentNode, role: string): HTMLElement {
  return part(root, `[data-role="${role}"]`, HTMLElement);
}

/** Shows a panel's status line (e.g. "waiting for data") or hides it when `text` is undefined. */
export function setStatus(node: HTMLElement, text: string | undefined): void {
  node.hidden = text === undefined;
  if (text !== undefined) node.textContent = text;
}

/** Sets text only when it changed, so that an unchanged figure does not cost a layout. */
export function setText(node: Element, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}
