/** Decoding helpers (base64, UTF-16LE, PowerShell -enc, URL, hex, gzip+base64): pure and total. */
export { bytesToText, decodeBase64, decodeHex, decodeUrl, encodeBase64, inflate, printableRatio, utf16le, utf8 } from "./codecs.ts";
export { decodePowerShellCommandLine, findEncodedPowerShell } from "./powershell.ts";
export type { EncodedPowerShell } from "./powershell.ts";
export { autoDecode, decodeAs, MAX_DECODE_INPUT } from "./auto.ts";
export type { Decoding, DecodeMethod } from "./auto.ts";
