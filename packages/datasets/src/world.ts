/** Frothly: the fictional brewery's hosts, people and the outside world (BOTSv2 names and addresses). */

export interface User {
  /** sAMAccountName, e.g. `billy.tun`. */
  name: string;
  sid: string;
  email: string;
}

export interface WinHost {
  /** Short name as Splunk shows `host`. */
  name: string;
  ip: string;
  kind: "workstation" | "server";
  /** Primary user of a workstation. */
  owner?: User;
  /** 8 hex digits: the machine part of Sysmon process GUIDs. */
  guidPrefix: string;
  mac: string;
}

export const DOMAIN = "FROTHLY";
export const FQDN_SUFFIX = ".frothly.local";
const DOMAIN_SID = "S-1-5-21-1652283549-2716233254-3853186373";

function user(name: string, rid: number, email: string): User {
  return { name, sid: `${DOMAIN_SID}-${rid}`, email };
}

export const USERS = {
  btun: user("billy.tun", 1108, "btun@froth.ly"),
  klagerf: user("kevin.lagerfield", 1111, "klagerfield@froth.ly"),
  aturing: user("amber.turing", 1104, "aturing@froth.ly"),
  abungst: user("abraham.bungstein", 1109, "abungstein@froth.ly"),
  fmaltes: user("fyodor.maltes", 1106, "fyodor@froth.ly"),
  ghoppy: user("grace.hoppy", 1105, "ghoppy@froth.ly"),
  bgist: user("bud.gist", 1107, "bgist@froth.ly"),
  service3: user("service3", 1113, "service3@froth.ly"),
  administrator: user("Administrator", 500, "administrator@froth.ly"),
} as const;

let macN = 0x1a2b;
function host(name: string, ip: string, kind: WinHost["kind"], guidPrefix: string, owner?: User): WinHost {
  macN += 0x111;
  const mac = `00:50:56:${((macN >> 8) & 0xff).toString(16).padStart(2, "0")}:${(macN & 0xff).toString(16).padStart(2, "0")}:${ip.split(".")[3]!.padStart(2, "0").slice(-2)}`;
  return { name, ip, kind, guidPrefix, mac, ...(owner ? { owner } : {}) };
}

/** Windows hosts with Sysmon and Security logging (workstations first). */
export const WIN_HOSTS: WinHost[] = [
  host("wrk-aturing", "10.0.2.101", "workstation", "3d6a1b02", USERS.aturing),
  host("wrk-ghoppy", "10.0.2.103", "workstation", "3d6a1b04", USERS.ghoppy),
  host("wrk-fmaltes", "10.0.2.104", "workstation", "3d6a1b05", USERS.fmaltes),
  host("wrk-abungst", "10.0.2.105", "workstation", "3d6a1b06", USERS.abungst),
  host("wrk-bgist", "10.0.2.106", "workstation", "3d6a1b07", USERS.bgist),
  host("wrk-btun", "10.0.2.107", "workstation", "3d6a1b08", USERS.btun),
  host("wrk-klagerf", "10.0.2.109", "workstation", "3d6a1b0a", USERS.klagerf),
  host("mercury", "10.0.1.100", "server", "9c41e7d0"),
  host("venus", "10.0.1.101", "server", "9c41e7d1"),
  host("jupiter", "10.0.1.102", "server", "9c41e7d2"),
];


/** Non-Windows internal machines seen only on the wire. */
export const OTHER_INTERNAL = [
  { name: "cassiopeia", ip: "10.0.4.4" },
  { name: "maclory-air13", ip: "10.0.2.108" },
  { name: "gacrux", ip: "10.0.1.103" },
  { name: "growler", ip: "10.0.1.104" },
];

export const DNS_SERVER = "10.0.1.100";
export const UPSTREAM_DNS = ["8.8.8.8", "172.31.0.2"];
export const DOMAIN_CONTROLLER = "10.0.1.102";
/** The firewall's outside address (source NAT for all outbound traffic). */
export const FIREWALL_PUBLIC = "71.39.18.125";
export const FIREWALL_NAME = "frothly-pa";
export const FIREWALL_SERIAL = "001606016521";

/** The brewertalk.com forum (AWS) and the company web site. */
export const BREWERTALK = { host: "www.brewertalk.com", ip: "172.31.4.249", public: "52.42.208.228" };
export const FROTHLY_WEB = { host: "www.froth.ly", ip: "172.31.6.251", public: "52.40.10.231" };

/** Everyday internet destinations: name, address, https?, app, category. */
export interface Site {
  name: string;
  ip: string;
  https: boolean;
  app: string;
  category: string;
}

export const SITES: Site[] = [
  { name: "www.google.com", ip: "172.217.6.36", https: true, app: "google-base", category: "search-engines" },
  { name: "www.bing.com", ip: "204.79.197.200", https: true, app: "ssl", category: "search-engines" },
  { name: "outlook.office365.com", ip: "40.97.116.82", https: true, app: "ms-office365-base", category: "business-and-economy" },
  { name: "login.microsoftonline.com", ip: "40.126.1.166", https: true, app: "ms-office365-base", category: "computer-and-internet-info" },
  { name: "www.youtube.com", ip: "172.217.5.110", https: true, app: "youtube-base", category: "streaming-media" },
  { name: "www.brewersassociation.org", ip: "104.25.149.6", https: false, app: "web-browsing", category: "business-and-economy" },
  { name: "www.beeradvocate.com", ip: "104.20.64.205", https: true, app: "ssl", category: "alcohol-and-tobacco" },
  { name: "www.weather.com", ip: "23.43.61.114", https: false, app: "web-browsing", category: "news" },
  { name: "www.cnn.com", ip: "151.101.1.67", https: true, app: "ssl", category: "news" },
  { name: "www.amazon.com", ip: "54.239.17.6", https: true, app: "ssl", category: "shopping" },
  { name: "www.linkedin.com", ip: "108.174.10.10", https: true, app: "linkedin-base", category: "social-networking" },
  { name: "ctldl.windowsupdate.com", ip: "8.253.45.249", https: false, app: "ms-update", category: "computer-and-internet-info" },
  { name: "www.hopunion.com", ip: "69.89.31.226", https: false, app: "web-browsing", category: "business-and-economy" },
  { name: "slack.com", ip: "52.85.83.71", https: true, app: "slack-base", category: "business-and-economy" },
  { name: "github.com", ip: "192.30.253.113", https: true, app: "github-base", category: "computer-and-internet-info" },
  { name: "www.powershellgallery.com", ip: "168.62.20.37", https: true, app: "ssl", category: "computer-and-internet-info" },
];

/** Browser user agents of Frothly's Windows 7/10 workstations. */
export const BROWSER_UAS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/60.0.3112.90 Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/60.0.3112.101 Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko",
  "Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:55.0) Gecko/20100101 Firefox/55.0",
];

/** Internet users of the brewertalk.com forum and froth.ly. */
export const INTERNET_UAS = [
  ...BROWSER_UAS,
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_6) AppleWebKit/603.3.8 (KHTML, like Gecko) Version/10.1.2 Safari/603.3.8",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 10_3_3 like Mac OS X) AppleWebKit/603.3.8 (KHTML, like Gecko) Version/10.0 Mobile/14G60 Safari/602.1",
  "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
];
