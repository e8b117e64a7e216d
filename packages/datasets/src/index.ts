/** Public API of the BOTSv2-style dataset generator (pure: no Node APIs; see `./node.ts` for files on disk). */
export { generate, GENERATOR_VERSION } from "./generate.ts";
export type { GenerateOptions } from "./generate.ts";
export type { ByteSink } from "./output.ts";
export { FILES } from "./files.ts";
export type { FileSpec, FileId } from "./files.ts";
export type { Manifest, ManifestFile, GroundTruth, PlantedProcess } from "./manifest.ts";
export { Rng } from "./prng.ts";
export { attackVolumes, shannon, FTP_IP, EXFIL_DOMAIN, W3AF_UA } from "./attack.ts";
export { C2_IP, EMPIRE_UA, EMPIRE_URIS, LAUNCHER_MARKER, encodeUtf16Base64, empireLauncher } from "./powershell.ts";
export { WIN_HOSTS } from "./world.ts";
