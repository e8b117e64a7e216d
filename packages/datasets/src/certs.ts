import type { Cert } from "./network.ts";
import type { Rng } from "./prng.ts";

/** Public CAs of 2017 with Stream's (`C = US, O = …`) and Suricata's (`C=US, O=…`) renderings. */
const ISSUERS = [
  "C = US, O = Google Inc, CN = Google Internet Authority G2",
  "C = US, O = DigiCert Inc, OU = www.digicert.com, CN = DigiCert SHA2 High Assurance Server CA",
  "C = US, O = DigiCert Inc, CN = DigiCert SHA2 Secure Server CA",
  "C = US, O = Let's Encrypt, CN = Let's Encrypt Authority X3",
  "C = US, O = GeoTrust Inc., CN = GeoTrust SSL CA - G3",
  "C = US, ST = Washington, L = Redmond, O = Microsoft Corporation, OU = Microsoft IT, CN = Microsoft IT SSL SHA2",
  "C = BE, O = GlobalSign nv-sa, CN = GlobalSign Organization Validation CA - SHA256 - G2",
];

/** Stream's `A = b, C = d` → Suricata's `A=b, C=d`. */
function suricataDn(streamDn: string): string {
  return streamDn.replace(/ = /g, "=");
}

/** A plausible server certificate for a host name. */
export function siteCert(rng: Rng, name: string): Cert {
  const issuer = rng.pick(ISSUERS);
  const subject = `C = US, ST = California, O = ${name.split(".").slice(-2, -1)[0] ?? name}, CN = ${name}`;
  return {
    issuer,
    subject,
    issuerdn: suricataDn(issuer),
    subjectdn: suricataDn(subject),
    serial: BigInt("0x" + rng.hex(30)).toString(),
    sha1: rng.hex(40).toUpperCase(),
    md5: rng.hex(32).toUpperCase(),
    validityStart: "2017-0" + rng.int(1, 7) + "-1" + rng.int(0, 9) + "T00:00:00",
    validityEnd: "2018-0" + rng.int(1, 9) + "-1" + rng.int(0, 9) + "T12:00:00",
  };
}

/** The self-signed certificate Empire's cert.sh makes (`-subj "/C=US"`): issuer and subject are both just C=US. */
export const EMPIRE_CERT: Cert = {
  issuer: "C = US",
  subject: "C = US",
  issuerdn: "C=US",
  subjectdn: "C=US",
  serial: "10285871634388831649",
  sha1: "1ACB3A5AAA46FC13F788A448716F841168F82227",
  md5: "671DFE1D4F15C5A05F21DDB66D3B7815",
  validityStart: "2017-08-18T03:51:23",
  validityEnd: "2018-08-18T03:51:23",
};
