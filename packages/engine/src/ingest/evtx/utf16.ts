/** One shared decoder: creating a TextDecoder per string would dominate the cost of short names. */
const decoder = new TextDecoder("utf-16le");

/** Below this many code units a plain loop beats the TextDecoder call overhead. */
const SHORT = 24;

/** Decodes `units` UTF-16LE code units at `pos` (no alignment needed); lone surrogates become U+FFFD. */
export function utf16(bytes: Uint8Array, pos: number, units: number): string {
  if (units <= 0) return "";
  if (units <= SHORT) {
    let s = "";
    for (let i = 0; i < units; i++) {
      const c = bytes[pos + 2 * i]! | (bytes[pos + 2 * i + 1]! << 8);
      // Surrogates need pairing and repair: leave them to the decoder.
      if (c >= 0xd800 && c <= 0xdfff) return decoder.decode(bytes.subarray(pos, pos + 2 * units));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decoder.decode(bytes.subarray(pos, pos + 2 * units));
}

/** Decodes single-byte (ANSI) text as Latin-1, which never fails. */
export function latin1(bytes: Uint8Array, pos: number, length: number): string {
  let s = "";
  for (let i = 0; i < length; i++) s += String.fromCharCode(bytes[pos + i]!);
  return s;
}
