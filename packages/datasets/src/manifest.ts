/** manifest.json: what was generated and what a hunter should find in it. */

export interface ManifestFile {
  name: string;
  sourcetype: string;
  events: number;
  bytes: number;
  /** Hex SHA-256 of the file's bytes, when the writer computed it. */
  sha256?: string;
}

/** One planted process creation (Sysmon EventCode 1), in story order. */
export interface PlantedProcess {
  /** UTC ISO time. */
  time: string;
  host: string;
  user: string;
  image: string;
  commandLine: string;
  processId: number;
  parentProcessId: number;
  parentImage: string;
}

export interface GroundTruth {
  c2: {
    ip: string;
    port: number;
    sslIssuer: string;
    suricataIssuerDn: string;
    sslSerial: string;
    userAgent: string;
    uris: string[];
    /** stream:tcp events with ssl_issuer="C = US", by src_ip (the hunt's stats count by src_ip). */
    streamTcpBySrc: Record<string, number>;
    /** Sysmon NetworkConnect events of powershell.exe to the C2, by host. */
    sysmonPowershellByHost: Record<string, number>;
    /** Hosts whose PAN C2 sessions carry the service3 user. */
    panService3Src: string[];
    firstSeen: string;
    lastSeen: string;
  };
  compromisedHosts: { host: string; ip: string }[];
  account: string;
  /** The base64 marker of the launcher found in ParentCommandLine. */
  launcherMarker: string;
  encodedPowershell: { host: string; time: string; parentImage: string; user: string; commandLine: string }[];
  /** ftp → whoami → schtasks per host, in time order. */
  sequences: Record<string, PlantedProcess[]>;
  /** Every planted attacker process creation, time-ordered. */
  processes: PlantedProcess[];
  accountCreated: { name: string; host: string; time: string; by: string }[];
  logClearing: { host: string; time: string; by: string; wevtutilCl: number };
  networkLogons: { host: string; time: string; logonType: number; account: string; srcIp: string; logonId: string }[];
  explicitLogons: { host: string; time: string; account: string; target: string }[];
  ftpExfil: { destIp: string; domain: string; sessions: { host: string; time: string; files: number }[]; streamFtpEvents: number; panFlows: number; retrHwp: string };
  dnsExfil: { domain: string; host: string; queries: number; nameservers: string[]; averageEntropy: number; firstSeen: string; lastSeen: string };
  phishing: { time: string; sender: string; recipients: string[]; attachment: string; md5: string };
  web: { target: string; scanner: string; scannerUserAgent: string; accessRequests: number; sqlInjection: number; sqliParameter: string; xssPayloadTime: string };
}

export interface Manifest {
  generator: string;
  seed: string;
  requestedEvents: number;
  events: number;
  timeRange: { start: string; end: string; timezoneOfStory: string };
  notes: string[];
  files: ManifestFile[];
  hosts: { name: string; ip: string; kind: string; owner?: string }[];
  groundTruth: GroundTruth;
}
