/**
 * Converts a PCRE pattern as Splunk users write it to a JavaScript one: `(?P<name>` → `(?<name>`,
 * leading inline flags `(?i)` are returned separately, possessive/atomic forms are not supported.
 */
export function toJsRegex(pattern: string): string {
  return pattern.replace(/\(\?P<([A-Za-z_]\w*)>/g, "(?<$1>").replace(/^\(\?([imsx]+)\)/, "");
}

/** Flags from a leading `(?i)`-style inline modifier. */
export function inlineFlags(pattern: string): string {
  const m = /^\(\?([imsx]+)\)/.exec(pattern);
  return m ? m[1]!.replace(/x/g, "") : "";
}
