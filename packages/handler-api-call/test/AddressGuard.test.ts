/**
 * The address check without a network: classification of every special range and embedded form,
 * allow-list parsing, and the allow-list's exact and CIDR entries — plus a property: no address in
 * 127.0.0.0/8, 10.0.0.0/8 or 169.254.0.0/16, in any IPv6 wrapping, ever passes by default.
 */
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { checkAddress, classifyAddress, metadataAddresses, parseAllowList } from "../src/index.js"

const allowOf = (entries: ReadonlyArray<string>) => {
  const parsed = parseAllowList(entries)
  if (!("allow" in parsed)) throw new Error(parsed.problems.join("; "))
  return parsed.allow
}

describe("classifyAddress", () => {
  it.each([
    ["8.8.8.8", "unicast"],
    ["2a00:1450:4001:82a::200e", "unicast"],
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["0.0.0.0", "unspecified"],
    ["10.0.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.0.1", "private"],
    ["169.254.1.1", "linkLocal"],
    ["100.64.0.1", "carrierGradeNat"],
    ["198.19.255.1", "reserved"],
    ["240.0.0.1", "reserved"],
    ["224.0.0.251", "multicast"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "linkLocal"],
    ["fd12:3456::1", "uniqueLocal"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback (IPv4-mapped)"],
    ["::ffff:8.8.8.8", "unicast"],
    ["::7f00:1", "loopback (IPv4-compatible)"],
    ["64:ff9b::a00:1", "private (NAT64)"],
    ["64:ff9b::808:808", "unicast"],
    ["2002:a9fe:a9fe::", "cloud metadata (6to4)"],
    ["2001:db8::1", "reserved"],
    ["4000::1", "reserved"],
    ["169.254.169.254", "cloud metadata"],
    ["fd00:ec2::254", "cloud metadata"],
    ["not an address", "invalid"],
    ["", "invalid"]
  ])("%s → %s", (address, expected) => {
    expect(classifyAddress(address)).toBe(expected)
  })

  it("every metadata address is classified as such", () => {
    for (const address of metadataAddresses) expect(classifyAddress(address), address).toBe("cloud metadata")
  })

  it("non-string input is invalid, not a crash", () => {
    expect(classifyAddress(undefined as never)).toBe("invalid")
    expect(classifyAddress({} as never)).toBe("invalid")
  })
})

describe("parseAllowList", () => {
  it("accepts host:port, [v6]:port, CIDR and bare addresses", () => {
    const allow = allowOf(["Registry.Internal:8443", "[::1]:8080", "10.20.0.0/16", "fd12::/64", "192.0.2.7"])
    expect(allow.exact).toEqual([
      { host: "registry.internal", port: 8443 },
      { host: "0:0:0:0:0:0:0:1", port: 8080 }
    ])
    expect(allow.ranges).toEqual([
      { network: "10.20.0.0", bits: 16 },
      { network: "fd12:0:0:0:0:0:0:0", bits: 64 },
      { network: "192.0.2.7", bits: 32 }
    ])
  })

  it("lists every bad entry", () => {
    const parsed = parseAllowList(["", "host", "host:0", "host:70000", "10.0.0.0/33", "[nope]:80", 5 as never])
    expect("problems" in parsed && parsed.problems.map((p) => p.slice(0, 8))).toEqual([
      "allow[0]",
      "allow[1]",
      "allow[2]",
      "allow[3]",
      "allow[4]",
      "allow[5]",
      "allow[6]"
    ])
  })
})

describe("checkAddress", () => {
  it("an exact entry admits its host name or address on its port only", () => {
    const allow = allowOf(["registry.internal:8443", "127.0.0.1:9000"])
    expect(checkAddress("10.0.0.5", { host: "registry.internal", port: 8443 }, allow)).toBeUndefined()
    expect(checkAddress("10.0.0.5", { host: "registry.internal", port: 443 }, allow)).toBe("private")
    expect(checkAddress("127.0.0.1", { host: "anything.test", port: 9000 }, allow)).toBeUndefined()
    expect(checkAddress("::ffff:127.0.0.1", { host: "::ffff:127.0.0.1", port: 9000 }, allow)).toBeUndefined()
    expect(checkAddress("127.0.0.1", { host: "anything.test", port: 9001 }, allow)).toBe("loopback")
  })

  it("a CIDR entry admits its range (IPv4-mapped too) but never a metadata address", () => {
    const allow = allowOf(["10.0.0.0/8", "169.254.0.0/16"])
    expect(checkAddress("10.9.9.9", { host: "a.test", port: 80 }, allow)).toBeUndefined()
    expect(checkAddress("::ffff:10.9.9.9", { host: "a.test", port: 80 }, allow)).toBeUndefined()
    expect(checkAddress("169.254.1.1", { host: "a.test", port: 80 }, allow)).toBeUndefined()
    expect(checkAddress("169.254.169.254", { host: "a.test", port: 80 }, allow)).toBe("cloud metadata")
    expect(checkAddress("11.0.0.1", { host: "a.test", port: 80 }, allow)).toBeUndefined()
    expect(checkAddress("192.168.0.1", { host: "a.test", port: 80 }, allow)).toBe("private")
  })

  const none = allowOf([])
  const octet = fc.integer({ min: 0, max: 255 })
  const blockedV4 = fc
    .tuple(fc.constantFrom(127, 10, 169), octet, octet, octet)
    .map(([a, b, c, d]) => (a === 169 ? `169.254.${c}.${d}` : `${a}.${b}.${c}.${d}`))
  const hex = (a: number, b: number) => ((a << 8) | b).toString(16)
  const wrapped = blockedV4.chain((v4) => {
    const [a, b, c, d] = v4.split(".").map(Number) as [number, number, number, number]
    return fc.constantFrom(
      v4,
      `::ffff:${v4}`,
      `::ffff:${hex(a, b)}:${hex(c, d)}`,
      `::${v4}`,
      `64:ff9b::${hex(a, b)}:${hex(c, d)}`,
      `2002:${hex(a, b)}:${hex(c, d)}::1`
    )
  })

  test.prop([wrapped])("no loopback, private or link-local IPv4 passes in any wrapping", (address) => {
    expect(checkAddress(address, { host: address, port: 80 }, none)).toBeDefined()
  })
})
