/**
 * A minimal XML reader for tests: elements, attributes, text and the five predefined entities.
 * Enough to read JUnit back and check its structure; not a general parser.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function parseXml(source: string): XmlElement {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`XML: ${what} at offset ${i}`);
  };
  const skipSpace = (): void => {
    while (i < source.length && ' \t\r\n'.includes(source[i]!)) i++;
  };
  const decode = (raw: string): string => {
    let out = '';
    for (let k = 0; k < raw.length; k++) {
      if (raw[k] !== '&') {
        out += raw[k];
        continue;
      }
      const end = raw.indexOf(';', k);
      const name = raw.slice(k + 1, end);
      if (end < 0 || ENTITIES[name] === undefined) fail(`unknown entity &${name};`);
      out += ENTITIES[name];
      k = end;
    }
    return out;
  };
  const readName = (): string => {
    const start = i;
    while (i < source.length && !' \t\r\n/>='.includes(source[i]!)) i++;
    if (i === start) fail('expected a name');
    return source.slice(start, i);
  };
  const element = (): XmlElement => {
    if (source[i] !== '<') fail('expected <');
    i++;
    const el: XmlElement = { name: readName(), attrs: {}, children: [], text: '' };
    for (;;) {
      skipSpace();
      if (source.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (source[i] === '>') break;
      const attr = readName();
      skipSpace();
      if (source[i] !== '=') fail('expected =');
      i++;
      skipSpace();
      const quote = source[i];
      if (quote !== '"' && quote !== "'") fail('expected a quote');
      const end = source.indexOf(quote!, i + 1);
      if (end < 0) fail('unterminated attribute');
      const value = source.slice(i + 1, end);
      if (value.includes('<')) fail('< in an attribute');
      el.attrs[attr] = decode(value);
      i = end + 1;
    }
    i++;
    for (;;) {
      const lt = source.indexOf('<', i);
      if (lt < 0) fail(`unclosed <${el.name}>`);
      el.text += decode(source.slice(i, lt));
      i = lt;
      if (source.startsWith('</', i)) {
        i += 2;
        if (readName() !== el.name) fail(`mismatched </...> for <${el.name}>`);
        skipSpace();
        if (source[i] !== '>') fail('expected >');
        i++;
        return el;
      }
      el.children.push(element());
    }
  };
  if (source.startsWith('<?xml')) i = source.indexOf('?>') + 2;
  skipSpace();
  const root = element();
  skipSpace();
  if (i !== source.length) fail('content after the root element');
  return root;
}

export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}
