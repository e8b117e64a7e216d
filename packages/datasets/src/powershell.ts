/**
 * Encoded PowerShell launchers in the shape PowerShell Empire's default launcher takes
 * (`powershell -noP -sta -w 1 -enc <base64 of UTF-16LE>`). The encoded script is INERT text:
 * it names the C2 server, user agent, URIs and session key the way the stager does, so the
 * hunt's decoding steps find the same indicators, but it contains no download or execution.
 */

export const C2_IP = "45.77.65.211";
export const C2_URL = `https://${C2_IP}:443`;
export const EMPIRE_UA = "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko";
export const EMPIRE_URIS = ["/admin/get.php", "/news.php", "/login/process.php"] as const;
export const STAGING_KEY = "389288edd78e8ea2f54946d3209b16b8";
export const EMPIRE_COOKIE = "session=wInU2UbWvd/SdOjjVta0BHaZHjI=";

/** UTF-16LE bytes of a string, base64-encoded (what `-enc` takes). */
export function encodeUtf16Base64(text: string): string {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    bytes[2 * i] = c & 0xff;
    bytes[2 * i + 1] = c >> 8;
  }
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** The inert stand-in script for one agent launch; `session` differs per launcher, like Empire's per-launch values. */
export function inertStagerText(session: string, uri: string): string {
  // The first statement mirrors the stager's opening reflection call (so the hunt's base64 marker
  // matches) but names a type that does not exist; everything after it is plain assignments.
  return (
    "[ReF].ASsEMbLY.GeTTYpe('Quarry.SyntheticData.InertPlaceholder')|OUt-NULl;" +
    `$u='${EMPIRE_UA}';` +
    `$ser='${C2_URL}';$t='${uri}';` +
    `$K=[SysTem.TeXt.EncOdINg]::ASCII.GEtBYtes('${STAGING_KEY}');` +
    `$cookie='${EMPIRE_COOKIE.replace("session=", "")}';$session='${session}';` +
    `$profile='${EMPIRE_URIS.join(",")}|${EMPIRE_UA}';` +
    "# Quarry synthetic dataset: inert text only, no network access and no code execution."
  );
}

/** The full command line of an Empire-style launcher. */
export function empireLauncher(session: string, uri: string): string {
  return `powershell -noP -sta -w 1 -enc  ${encodeUtf16Base64(inertStagerText(session, uri))}`;
}

/** The base64 prefix hunters search for in ParentCommandLine (the encoded `[ReF].ASsEMbLY.GeTTYp`). */
export const LAUNCHER_MARKER = encodeUtf16Base64("[ReF].ASsEMbLY.GeTTYp");

/** The schtasks persistence command line the hunt quotes verbatim, with the host's start time. */
export function schtasksUpdater(startTime: string): string {
  return (
    `"C:\\Windows\\system32\\schtasks.exe"  /Create /F /RU system /SC DAILY /ST ${startTime} /TN Updater /TR ` +
    `"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -NonI -W hidden -c \\"IEX ([Text.Encoding]::UNICODE.GetString([Convert]::FromBase64String((gp HKLM:\\Software\\Microsoft\\Network debug).debug)))\\""`
  );
}

/** The command the Updater task runs. */
export const UPDATER_COMMAND =
  'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -NonI -W hidden -c "IEX ([Text.Encoding]::UNICODE.GetString([Convert]::FromBase64String((gp HKLM:\\Software\\Microsoft\\Network debug).debug)))"';
