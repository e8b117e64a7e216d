/** Stable fake file hashes per image path, so every run of one program carries the same hashes. */

const KNOWN_SHA256: Record<string, string> = {
  // The powershell.exe hash the BOTSv2 hunt reports (Stoner, SIEM Summit 2019).
  "c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe": "18C13D226F7E39F45F22DA35ACC288A8AF6BFF23CA1D85B9A3FD3E36E52397D0",
};

function mix(s: string, salt: number): string {
  let h1 = 0x811c9dc5 ^ salt;
  let h2 = 0x27d4eb2f + salt;
  let out = "";
  for (let round = 0; round < 8; round++) {
    for (let i = 0; i < s.length; i++) {
      h1 = Math.imul(h1 ^ s.charCodeAt(i), 16777619);
      h2 = Math.imul(h2 ^ (h1 >>> 7), 2246822519);
    }
    h1 = Math.imul(h1 ^ round, 3266489917);
    out += ((h1 ^ h2) >>> 0).toString(16).padStart(8, "0");
  }
  return out.toUpperCase();
}

const cache = new Map<string, string>();

/** The Sysmon `Hashes` value (SHA1, MD5, SHA256, IMPHASH) of an image. */
export function sysmonHashes(image: string): string {
  const key = image.toLowerCase();
  let v = cache.get(key);
  if (!v) {
    const sha256 = KNOWN_SHA256[key] ?? mix(key, 3);
    v = `SHA1=${mix(key, 1).slice(0, 40)},MD5=${mix(key, 2).slice(0, 32)},SHA256=${sha256},IMPHASH=${mix(key, 4).slice(0, 32)}`;
    cache.set(key, v);
  }
  return v;
}
