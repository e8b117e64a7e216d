import { asciiRatio, decodeBase64, utf16le } from "./codecs.ts";

/** An encoded PowerShell payload found in a command line. */
export interface EncodedPowerShell {
  /** The flag as written (`-enc`, `-EncodedCommand`, `/e`…). */
  flag: string;
  /** Character span of the base64 text in the command line. */
  start: number;
  end: number;
  encoded: string;
  /** The script: base64 → UTF-16LE, as powershell.exe reads it. */
  decoded: string;
}

const FULL = "encodedcommand";
// Windows PowerShell accepts any prefix of -EncodedCommand (and the alias -ec), introduced by
// '-', '/' or a dash look-alike (en dash, em dash, horizontal bar), which obfuscators use.
const FLAG = /(^|[\s"'])([-/\u2013\u2014\u2015])([A-Za-z]+)\s+(["']?)([A-Za-z0-9+/=]{8,})\4/g;

/** Finds every `-enc <base64>` payload of a command line whose base64 decodes to readable UTF-16LE text. */
export function findEncodedPowerShell(commandLine: string): EncodedPowerShell[] {
  const out: EncodedPowerShell[] = [];
  if (commandLine.length > 1_000_000) return out;
  FLAG.lastIndex = 0;
  for (let m = FLAG.exec(commandLine); m; m = FLAG.exec(commandLine)) {
    const name = m[3].toLowerCase();
    if (!(name === "ec" || FULL.startsWith(name))) continue;
    const encoded = m[5];
    const bytes = decodeBase64(encoded);
    if (!bytes || bytes.length < 2) continue;
    const decoded = utf16le(bytes);
    // Scripts are overwhelmingly ASCII; UTF-8 bytes misread as UTF-16LE become CJK and fail here.
    if (asciiRatio(decoded) < 0.8) continue;
    const end = m.index + m[0].length - m[4].length;
    const start = end - encoded.length;
    out.push({ flag: m[2] + m[3], start, end, encoded, decoded });
  }
  return out;
}

/** The command line with each encoded payload replaced by its decoded script, or null when there is none. */
export function decodePowerShellCommandLine(commandLine: string): string | null {
  const found = findEncodedPowerShell(commandLine);
  if (found.length === 0) return null;
  let out = "";
  let at = 0;
  for (const f of found) {
    out += commandLine.slice(at, f.start) + f.decoded;
    at = f.end;
  }
  return out + commandLine.slice(at);
}
