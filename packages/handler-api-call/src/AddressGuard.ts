/**
 * The SSRF guard's address check: which IP addresses an API call may connect to. Every address is
 * classified with `ipaddr.js`; only public unicast addresses pass — IPv4-mapped, IPv4-compatible,
 * NAT64 (`64:ff9b::/96`) and 6to4 addresses are judged by the IPv4 address they embed — and cloud
 * metadata addresses never pass by class. A deployer's allow-list opts addresses back in: an exact
 * `host:port` (a name or an address) or a CIDR range (which never re-admits a metadata address).
 *
 * @since 0.1.0
 */
import ipaddr from "ipaddr.js"

type Address = ipaddr.IPv4 | ipaddr.IPv6

/**
 * Cloud metadata and platform service addresses (AWS, ECS, GCP, Azure, Alibaba, Oracle, AWS IPv6).
 *
 * @since 0.1.0
 * @category guard
 */
export const metadataAddresses: ReadonlyArray<string> = [
  "169.254.169.254",
  "169.254.170.2",
  "169.254.169.253",
  "168.63.129.16",
  "100.100.100.200",
  "192.0.0.192",
  "fd00:ec2::254",
  "fd00:ec2::23"
]

const metadata = new Set(metadataAddresses.map((a) => ipaddr.parse(a).toNormalizedString()))
const globalUnicast = ipaddr.IPv6.parseCIDR("2000::/3")
const nat64 = ipaddr.IPv6.parseCIDR("64:ff9b::/96")

const embeddedV4 = (hi: number, lo: number): ipaddr.IPv4 =>
  new ipaddr.IPv4([(hi >> 8) & 0xff, hi & 0xff, (lo >> 8) & 0xff, lo & 0xff])

/** The class of an address: `"unicast"` for a public one, else the name of its special range. */
const classOf = (address: Address): string => {
  if (metadata.has(address.toNormalizedString())) return "cloud metadata"
  if (address.kind() === "ipv4") return address.range()
  const v6 = address as ipaddr.IPv6
  const [p0, p1, p2, p3, p4, p5, p6, p7] = v6.parts as [number, number, number, number, number, number, number, number]
  const range = v6.range()
  const via = (form: string, v4: ipaddr.IPv4) => {
    const inner = classOf(v4)
    return inner === "unicast" ? "unicast" : `${inner} (${form})`
  }
  if (range === "ipv4Mapped") return via("IPv4-mapped", v6.toIPv4Address())
  if (range === "unicast" && p0 === 0 && p1 === 0 && p2 === 0 && p3 === 0 && p4 === 0 && p5 === 0) {
    return via("IPv4-compatible", embeddedV4(p6, p7))
  }
  if (v6.match(nat64)) return via("NAT64", embeddedV4(p6, p7))
  if (range === "6to4") return via("6to4", embeddedV4(p1, p2))
  if (range === "unicast" && !v6.match(globalUnicast)) return "reserved"
  return range
}

/**
 * Classifies an IP address: `"unicast"` for a public address an API call may reach by default,
 * otherwise the range that refuses it (`"loopback"`, `"private"`, `"linkLocal"`, `"uniqueLocal"`,
 * `"carrierGradeNat"`, `"cloud metadata"`, `"loopback (IPv4-mapped)"`, ...); `"invalid"` for
 * anything that is not an IP address.
 *
 * @example
 * ```ts
 * import { classifyAddress } from "@workflow-manager/handler-api-call"
 *
 * classifyAddress("::ffff:7f00:1") // "loopback (IPv4-mapped)"
 * classifyAddress("93.184.215.14") // "unicast"
 * ```
 *
 * @since 0.1.0
 * @category guard
 */
export const classifyAddress = (address: string): string => {
  if (typeof address !== "string" || !ipaddr.isValid(address)) return "invalid"
  return classOf(ipaddr.parse(address))
}

/**
 * A parsed allow-list.
 *
 * @since 0.1.0
 * @category guard
 */
export interface AllowList {
  /** `host:port` entries: a lower-case host name or a normalised address, and a port. */
  readonly exact: ReadonlyArray<{ readonly host: string; readonly port: number }>
  /** CIDR ranges (any port): the network address, normalised, and the prefix length. */
  readonly ranges: ReadonlyArray<{ readonly network: string; readonly bits: number }>
}

const normalise = (address: Address): Address =>
  address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address

const hostKey = (host: string): string => {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host
  return ipaddr.isValid(bare) ? normalise(ipaddr.parse(bare)).toNormalizedString() : bare.toLowerCase()
}

type Range = AllowList["ranges"][number]

const rangeOf = (address: Address, bits: number): Range => ({ network: address.toNormalizedString(), bits })

const parseEntry = (entry: unknown): AllowList["exact"][number] | Range | string => {
  if (typeof entry !== "string" || entry.length === 0 || entry.length > 300) {
    return "must be a non-empty string of at most 300 characters"
  }
  if (entry.includes("/")) {
    if (!ipaddr.isValidCIDR(entry)) return "is not a valid CIDR range"
    const [address, bits] = ipaddr.parseCIDR(entry)
    return rangeOf(address, bits)
  }
  if (ipaddr.isValid(entry)) {
    const address = normalise(ipaddr.parse(entry))
    return rangeOf(address, address.kind() === "ipv4" ? 32 : 128)
  }
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(entry)
  const port = Number(match?.[2])
  if (match === null || port < 1 || port > 65_535) return "must be host:port, an IP address or a CIDR range"
  const host = match[1] as string
  if (host.startsWith("[") && !ipaddr.IPv6.isValid(host.slice(1, -1))) return "has an invalid IPv6 address"
  return { host: hostKey(host), port }
}

/**
 * Parses allow-list entries — `"registry.internal:8443"`, `"127.0.0.1:8080"`, `"[::1]:8080"` (exact
 * host and port), `"10.20.0.0/16"`, `"fd12::/64"` (CIDR ranges, any port) or a bare address (a
 * one-address range). Returns the list, or the problems (`"allow[1] ..."`) for a deployer's mistake.
 *
 * @example
 * ```ts
 * import { parseAllowList } from "@workflow-manager/handler-api-call"
 *
 * const allow = parseAllowList(["registry.internal:8443", "10.20.0.0/16"])
 * ```
 *
 * @since 0.1.0
 * @category guard
 */
export const parseAllowList = (
  entries: ReadonlyArray<string>
): { readonly allow: AllowList } | { readonly problems: ReadonlyArray<string> } => {
  if (!Array.isArray(entries)) return { problems: ["allow must be an array of strings"] }
  const exact: Array<AllowList["exact"][number]> = []
  const ranges: Array<Range> = []
  const problems: Array<string> = []
  entries.forEach((entry: unknown, i) => {
    const parsed = parseEntry(entry)
    if (typeof parsed === "string") problems.push(`allow[${i}] ${parsed}`)
    else if ("network" in parsed) ranges.push(parsed)
    else exact.push(parsed)
  })
  return problems.length > 0 ? { problems } : { allow: { exact, ranges } }
}

/**
 * The guard's verdict on one connection: the address it would connect to, for a URL host (a name
 * or an address) and port. `undefined` when allowed; otherwise the reason it is refused.
 *
 * @example
 * ```ts
 * import { checkAddress, parseAllowList } from "@workflow-manager/handler-api-call"
 *
 * const list = parseAllowList(["127.0.0.1:8080"])
 * if ("allow" in list) {
 *   checkAddress("127.0.0.1", { host: "localhost", port: 8080 }, list.allow) // undefined: allowed
 *   checkAddress("127.0.0.1", { host: "localhost", port: 9090 }, list.allow) // "loopback"
 * }
 * ```
 *
 * @since 0.1.0
 * @category guard
 */
export const checkAddress = (
  address: string,
  target: { readonly host: string; readonly port: number },
  allow: AllowList
): string | undefined => {
  const verdict = classifyAddress(address)
  if (verdict === "invalid") return verdict
  const ip = normalise(ipaddr.parse(address))
  const key = ip.toNormalizedString()
  const name = hostKey(target.host)
  if (allow.exact.some((e) => e.port === target.port && (e.host === name || e.host === key))) return undefined
  if (verdict === "unicast") return undefined
  if (verdict === "cloud metadata") return verdict
  const inRange = allow.ranges.some((range) => {
    const network = ipaddr.parse(range.network)
    return network.kind() === ip.kind() && ip.match(network, range.bits)
  })
  return inRange ? undefined : verdict
}
