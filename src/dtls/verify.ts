/**
 * Server authentication for the DTLS client: the certificate chain against the
 * trusted certificates, the name, and the signature over the ECDHE key exchange
 * (which the DTLS library does not check itself). Runs on the runtime's X.509 and
 * signature support (`node:crypto`, available in Deno, Bun and Node).
 *
 * @module
 */

import { constants, verify as verifySignature, X509Certificate } from "node:crypto";
import { rootCertificates } from "node:tls";
import { DtlsError } from "./errors.ts";

const MAX_CHAIN = 8;
let systemRoots: X509Certificate[] | null = null;

function roots(): X509Certificate[] {
  if (systemRoots === null) {
    systemRoots = [];
    for (const pem of rootCertificates ?? []) {
      try {
        systemRoots.push(new X509Certificate(pem));
      } catch {
        // a root the runtime cannot parse cannot anchor anything
      }
    }
  }
  return systemRoots;
}

function inDate(cert: X509Certificate, now: number): boolean {
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  return !(now < from || now > to);
}

function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/**
 * Checks that `chain[0]` leads through `chain` to a trusted certificate.
 *
 * @param chain DER certificates as the server sent them, leaf first.
 * @param trusted Trusted certificates, or `null` for the runtime's roots.
 * @param now Current time (ms since the epoch).
 * @returns The parsed leaf.
 * @throws DtlsError("certificate") when it does not.
 */
export function verifyChain(
  chain: readonly Uint8Array[],
  trusted: readonly X509Certificate[] | null,
  now: number,
): X509Certificate {
  if (chain.length === 0) throw new DtlsError("certificate", "The server sent no certificate");
  let certs: X509Certificate[];
  try {
    certs = chain.map((der) => new X509Certificate(der));
  } catch (cause) {
    throw new DtlsError("certificate", `Bad server certificate: ${(cause as Error).message}`);
  }
  const anchors = trusted ?? roots();
  const leaf = certs[0];
  let current = leaf;
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    if (!inDate(current, now)) {
      throw new DtlsError(
        "certificate",
        `Certificate out of its validity period: ${current.subject}`,
      );
    }
    const raw = current.raw;
    if (anchors.some((a) => a.raw.equals(raw))) return leaf;
    const anchor = anchors.find((a) => issuedBy(current, a));
    if (anchor !== undefined) {
      if (!inDate(anchor, now)) break;
      return leaf;
    }
    const next = certs.find((c) => c !== current && c.ca && issuedBy(current, c));
    if (next === undefined) break;
    current = next;
  }
  throw new DtlsError("certificate", "The server certificate is not trusted");
}

/**
 * Checks that `leaf` is for `name` (subjectAltName, else common name; IP addresses
 * against IP subjectAltNames).
 *
 * @param leaf The server certificate.
 * @param name The expected host name or IP address.
 * @throws DtlsError("hostname") when it is not.
 */
export function verifyName(leaf: X509Certificate, name: string): void {
  const ip = /^[0-9.]+$/.test(name) || name.includes(":");
  const ok = ip ? leaf.checkIP(name) !== undefined : leaf.checkHost(name) !== undefined;
  if (!ok) throw new DtlsError("hostname", `The server certificate is not valid for ${name}`);
}

/**
 * Checks the signature of an ECDHE ServerKeyExchange body with the leaf's key.
 *
 * @param leaf The server certificate.
 * @param body The ServerKeyExchange body.
 * @param clientRandom The ClientHello random.
 * @param serverRandom The ServerHello random.
 * @throws DtlsError("signature") when it is missing, malformed or wrong.
 */
export function verifyServerKeyExchange(
  leaf: X509Certificate,
  body: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): void {
  // ServerECDHParams: curve_type(1)=named_curve, named_curve(2), point<1..255>.
  if (body.length < 4 || body[0] !== 3) {
    throw new DtlsError("signature", "Unsupported ServerKeyExchange");
  }
  const paramsEnd = 4 + body[3];
  if (body.length < paramsEnd + 4) throw new DtlsError("signature", "Truncated ServerKeyExchange");
  const hash = body[paramsEnd];
  const algorithm = body[paramsEnd + 1];
  const sigLength = (body[paramsEnd + 2] << 8) | body[paramsEnd + 3];
  const sig = body.subarray(paramsEnd + 4, paramsEnd + 4 + sigLength);
  if (sig.length !== sigLength) throw new DtlsError("signature", "Truncated ServerKeyExchange");
  const digest = ({ 4: "sha256", 5: "sha384", 6: "sha512" } as Record<number, string>)[hash];
  const keyType = leaf.publicKey.asymmetricKeyType;
  const fits = (algorithm === 1 && keyType === "rsa") || (algorithm === 3 && keyType === "ec");
  if (digest === undefined || !fits) {
    throw new DtlsError("signature", `Unsupported signature scheme ${hash}/${algorithm}`);
  }
  const signed = new Uint8Array(64 + paramsEnd);
  signed.set(clientRandom, 0);
  signed.set(serverRandom, 32);
  signed.set(body.subarray(0, paramsEnd), 64);
  let ok = false;
  try {
    ok = algorithm === 1
      ? verifySignature(digest, signed, {
        key: leaf.publicKey,
        padding: constants.RSA_PKCS1_PADDING,
      }, sig)
      : verifySignature(digest, signed, leaf.publicKey, sig);
  } catch {
    ok = false;
  }
  if (!ok) throw new DtlsError("signature", "The server key exchange signature is invalid");
}
