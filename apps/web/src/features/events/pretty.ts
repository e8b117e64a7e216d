/** Pretty-prints an event's raw text when it is JSON or XML; anything else is returned as is. */
export function prettyRaw(raw: string): string {
  const t = raw.trim();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.stringify(JSON.parse(t), null, 2);
    } catch {
      return raw;
    }
  }
  if (t.startsWith("<") && t.endsWith(">")) return indentXml(t);
  return raw;
}

/** Puts each XML element on its own line, indented by depth; text content stays with its tag. */
export function indentXml(xml: string): string {
  const tokens = xml.replace(/>\s+</g, "><").split(/(?=<)|(?<=>)/);
  const out: string[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.startsWith("</")) {
      depth = Math.max(0, depth - 1);
      out.push("  ".repeat(depth) + tok);
    } else if (tok.startsWith("<") && !tok.startsWith("<?") && !tok.startsWith("<!") && !tok.endsWith("/>")) {
      // <a>text</a> stays on one line.
      const text = tokens[i + 1];
      const close = tokens[i + 2];
      if (text !== undefined && !text.startsWith("<") && close?.startsWith("</")) {
        out.push("  ".repeat(depth) + tok + text + close);
        i += 2;
      } else {
        out.push("  ".repeat(depth) + tok);
        depth++;
      }
    } else out.push("  ".repeat(depth) + tok);
  }
  return out.join("\n");
}
