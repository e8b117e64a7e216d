import { describe, expect, it } from "vitest";
import { ChunkDecoder } from "../../src/ingest/evtx/binxml.ts";
import { BinXmlWriter, le, wstr } from "./binxml-writer.ts";

/** Writes one fragment (fragment header, content, EOF) and renders it. */
function render(write: (w: BinXmlWriter) => void): string {
  const w = new BinXmlWriter();
  const start = w.pos;
  w.fragment();
  write(w);
  w.eof();
  return new ChunkDecoder(w.bytes).render(start, w.pos);
}

/** `<V>%0</V>` instantiated with one value of the given type. */
function one(type: number, bytes: ArrayLike<number>): string {
  const xml = render((w) => w.template((t) => t.fragment().open("V").closeStart().subst(0, type).end().eof(), [[type, bytes]]));
  return xml.slice(3, -4);
}

describe("evtx BinXML: value types rendered as Windows shows them", () => {
  const cases: [string, number, number[], string][] = [
    ["Int8", 0x03, le(-5, 1), "-5"],
    ["UInt8", 0x04, [200], "200"],
    ["Int16", 0x05, le(-300, 2), "-300"],
    ["UInt16", 0x06, le(65000, 2), "65000"],
    ["Int32", 0x07, le(-2, 4), "-2"],
    ["UInt32", 0x08, le(4000000000, 4), "4000000000"],
    ["Int64 -1", 0x09, le(-1n, 8), "-1"],
    ["Int64 large", 0x09, le(-9007199254740993n, 8), "-9007199254740993"],
    ["UInt64 max", 0x0a, le(18446744073709551615n, 8), "18446744073709551615"],
    ["UInt64 small", 0x0a, le(4294967296n, 8), "4294967296"],
    ["Real32", 0x0b, [0xcd, 0xcc, 0xcc, 0x3d], "0.1"],
    ["Real32 large", 0x0b, [0x00, 0x24, 0x74, 0x49], "1000000"],
    ["Real64", 0x0c, [0, 0, 0, 0, 0, 0, 0xf8, 0x3f], "1.5"],
    ["Bool", 0x0d, le(1, 4), "true"],
    ["Bool false", 0x0d, le(0, 4), "false"],
    ["Binary", 0x0e, [0xde, 0xad, 0x01], "DEAD01"],
    ["GUID", 0x0f, [0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff], "{00112233-4455-6677-8899-aabbccddeeff}"],
    ["SizeT 32", 0x10, le(0x1000, 4), "0x1000"],
    ["SizeT 64", 0x10, le(0x123456789an, 8), "0x123456789a"],
    ["FILETIME", 0x11, le(0x01d4deac62e10425n, 8), "2019-03-19T23:35:07.524202100Z"],
    ["FILETIME leap day", 0x11, le(0x1d5eef7c4992001n, 8), "2020-02-29T12:00:00.000000100Z"],
    ["FILETIME 2100", 0x11, le(0x22f9fc03e5bd67fn, 8), "2100-03-01T00:00:00.999999900Z"],
    ["FILETIME zero", 0x11, le(0, 8), "1601-01-01T00:00:00.000000000Z"],
    ["SYSTEMTIME", 0x12, [...le(2020, 2), ...le(8, 2), ...le(3, 2), ...le(26, 2), ...le(5, 2), ...le(9, 2), ...le(28, 2), ...le(845, 2)], "2020-08-26T05:09:28.845Z"],
    ["SID", 0x13, [1, 3, 0, 0, 0, 0, 0, 5, ...le(21, 4), ...le(1587066498, 4), ...le(500, 4)], "S-1-5-21-1587066498-500"],
    ["SID S-1-0-0", 0x13, [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "S-1-0-0"],
    ["HexInt32", 0x14, le(0x1f, 4), "0x0000001f"],
    ["HexInt64", 0x15, le(0x1000000ffn, 8), "0x00000001000000ff"],
    ["WString with NUL terminator", 0x01, [...wstr("cmd.exe"), 0, 0], "cmd.exe"],
    ["ANSI string", 0x02, [0x61, 0x62, 0xe9, 0], "abé"],
    ["escaped text", 0x01, wstr("<script>&'\"x"), "&lt;script&gt;&amp;'\"x"],
    ["control character kept as a reference", 0x01, wstr("a\u0001b\r\n"), "a&#1;b\r\n"],
    ["non-BMP text", 0x01, wstr("\u{1F600}"), "\u{1F600}"],
  ];
  for (const [name, type, bytes, want] of cases) {
    it(name, () => expect(one(type, bytes)).toBe(want));
  }

  it("NULL and empty values render as nothing", () => {
    expect(one(0x00, [])).toBe("");
    expect(one(0x08, [])).toBe("");
  });

  it("a value too short for its type is an error", () => {
    expect(() => one(0x11, [1, 2, 3])).toThrow(/has 3 bytes, needs 8/);
    expect(() => one(0x13, [1, 5, 0])).toThrow(/SID/);
    expect(() => one(0x7f, [1])).toThrow(/unknown value type 0x7f/);
  });
});

describe("evtx BinXML: structure", () => {
  it("static elements, attributes, text, char/entity refs, CDATA and processing instructions", () => {
    const xml = render((w) => {
      w.open("Root", true).attr("a").text("x'y<").closeStart();
      w.pi("xml-stylesheet", "href='s.xsl'");
      w.open("Leaf").closeStart().text("1 < 2 & 3").charRef(174).entityRef("amp").cdata("<raw>").end();
      w.open("Empty").closeEmpty();
      w.open("Leaf").closeStart().text("again").end();
      w.end();
    });
    expect(xml).toBe(
      "<Root a='x&apos;y&lt;'><?xml-stylesheet href='s.xsl'?><Leaf>1 &lt; 2 &amp; 3&#174;&amp;<![CDATA[<raw>]]></Leaf><Empty/><Leaf>again</Leaf></Root>",
    );
  });

  it("optional substitutions that are empty drop their attribute; normal ones keep it empty", () => {
    const body = (t: BinXmlWriter) => {
      t.fragment().open("E", true);
      t.attr("Opt").subst(0, 0x01, true);
      t.attr("Norm").subst(1, 0x01);
      t.closeStart().subst(2, 0x01, true).end().eof();
    };
    expect(render((w) => w.template(body, [[0x00, []], [0x00, []], [0x00, []]]))).toBe("<E Norm=''></E>");
    expect(render((w) => w.template(body, [[0x01, wstr("a")], [0x01, wstr("b")], [0x01, wstr("c")]]))).toBe(
      "<E Opt='a' Norm='b'>c</E>",
    );
  });

  it("a template defined once is reused by offset with other values (per-chunk cache)", () => {
    const w = new BinXmlWriter();
    const body = (t: BinXmlWriter) => t.fragment().open("Data", true).attr("Name").text("X").closeStart().subst(0, 0x01).end().eof();
    const first = w.pos;
    w.fragment();
    const def = w.template(body, [[0x01, wstr("one")]]);
    w.eof();
    const second = w.pos;
    w.fragment();
    w.template(def, [[0x01, wstr("two")]]);
    w.eof();
    const d = new ChunkDecoder(w.bytes);
    expect(d.render(first, second)).toBe("<Data Name='X'>one</Data>");
    expect(d.render(second, w.pos)).toBe("<Data Name='X'>two</Data>");
    // Rendering the later record first works too: the definition is found by its offset.
    expect(new ChunkDecoder(w.bytes).render(second, w.pos)).toBe("<Data Name='X'>two</Data>");
  });

  it("an array of strings as an element's content repeats the element; in an attribute it is a list", () => {
    const xml = render((w) =>
      w.template(
        (t) => {
          t.fragment().open("EventData").closeStart();
          t.open("Data").closeStart().subst(0, 0x81).end();
          t.open("N", true).attr("v").subst(1, 0x86).closeEmpty();
          t.end().eof();
        },
        [
          [0x81, [...wstr("a"), 0, 0, ...wstr("bc"), 0, 0]],
          [0x86, [...le(1, 2), ...le(2, 2)]],
        ],
      ),
    );
    expect(xml).toBe("<EventData><Data>a</Data><Data>bc</Data><N v='1, 2'/></EventData>");
  });

  it("a BinXML substitution (UserData as nested BinXML) is rendered in place, with its own template", () => {
    const outer = (w: BinXmlWriter, inner: ArrayLike<number>) => {
      w.fragment();
      w.template((t) => t.fragment().open("UserData").closeStart().subst(0, 0x21).end().eof(), [[0x21, inner]]);
      w.eof();
    };
    // Nested BinXML refers to names and templates by chunk offset, so write it for the offset it will occupy:
    // a dry run with an empty value finds where the value starts.
    const dry = new BinXmlWriter();
    outer(dry, []);
    const valueAt = dry.pos - 1;
    const nested = new BinXmlWriter(valueAt);
    nested.fragment();
    nested.template(
      (t) => t.fragment().open("LogFileCleared").closeStart().open("SubjectUserName").closeStart().subst(0, 0x01).end().end().eof(),
      [[0x01, wstr("admin")]],
    );
    nested.eof();
    const w = new BinXmlWriter();
    const start = w.pos;
    outer(w, nested.bytes.slice(valueAt, nested.pos));
    expect(new ChunkDecoder(w.bytes).render(start, w.pos)).toBe(
      "<UserData><LogFileCleared><SubjectUserName>admin</SubjectUserName></LogFileCleared></UserData>",
    );
  });

  it("elements written directly in a record or a BinXML value, with or without a dependency id", () => {
    for (const dep of [true, false]) {
      const xml = render((w) => {
        w.open("Event", true, dep).attr("xmlns").text("urn:x").closeStart();
        w.open("Computer", false, dep).closeStart().text("PC01").end();
        // The second <Computer> refers back to the name written inline by the first.
        w.open("Computer", false, dep).closeStart().text("PC02").end();
        w.end();
      });
      expect(xml).toBe("<Event xmlns='urn:x'><Computer>PC01</Computer><Computer>PC02</Computer></Event>");
    }
    const outer = (w: BinXmlWriter, inner: ArrayLike<number>) => {
      w.fragment();
      w.template((t) => t.fragment().open("UserData").closeStart().subst(0, 0x21).end().eof(), [[0x21, inner]]);
      w.eof();
    };
    const dry = new BinXmlWriter();
    outer(dry, []);
    const nested = new BinXmlWriter(dry.pos - 1);
    nested.fragment().open("Leaf", true, false).attr("n").text("1").closeStart().text("v").end().eof();
    const w = new BinXmlWriter();
    const start = w.pos;
    outer(w, nested.bytes.slice(dry.pos - 1, nested.pos));
    expect(new ChunkDecoder(w.bytes).render(start, w.pos)).toBe("<UserData><Leaf n='1'>v</Leaf></UserData>");
  });

  it("malformed BinXML fails with a positioned error instead of crashing or looping", () => {
    expect(() => render((w) => w.template((t) => t.fragment().open("V").closeStart().subst(5, 0x01).end().eof(), [[0x01, wstr("a")]]))).toThrow(
      /substitution 5 refers past the 1 values/,
    );
    expect(() => render((w) => w.u8(0x3f))).toThrow(/unknown BinXML token 0x3f at chunk offset 516/);
    expect(() => render((w) => w.open("A").closeStart().text("x"))).toThrow(/ends inside an element|not closed/);
    // Templates that each instantiate the next one 16 times: 16^9 copies of <a/> if nothing stopped it.
    const chain = new BinXmlWriter();
    const defAt = (i: number) => 1000 + i * 400;
    for (let i = 0; i < 10; i++) {
      chain.pos = defAt(i);
      chain.u32(0).raw(new Uint8Array(16));
      const sizeAt = chain.pos;
      chain.u32(0);
      const body = chain.pos;
      chain.fragment();
      if (i === 9) chain.open("a").closeEmpty();
      else for (let k = 0; k < 16; k++) chain.u8(0x0c).u8(1).u32(i + 1).u32(defAt(i + 1)).u32(0);
      chain.eof();
      chain.view.setUint32(sizeAt, chain.pos - body, true);
    }
    chain.pos = 512;
    chain.fragment().u8(0x0c).u8(1).u32(0).u32(defAt(0)).u32(0).eof();
    const t0 = performance.now();
    expect(() => new ChunkDecoder(chain.bytes).render(512, chain.pos)).toThrow(/more than \d+ (characters|BinXML steps)|nested deeper/);
    expect(performance.now() - t0).toBeLessThan(5000);
    // A template whose definition points at itself.
    const w = new BinXmlWriter();
    const start = w.pos;
    w.fragment().u8(0x0c).u8(1).u32(1).u32(600);
    w.pos = 600;
    w.u32(0).raw(new Uint8Array(16)).u32(19).fragment().u8(0x0c).u8(1).u32(1).u32(600).u32(0).eof();
    expect(() => new ChunkDecoder(w.bytes).render(start, start + 20)).toThrow(/template at chunk offset 600 contains itself/);
    // A definition whose size runs past the chunk.
    w.pos = 600 + 20;
    w.u32(0x20000);
    expect(() => new ChunkDecoder(w.bytes).render(start, start + 20)).toThrow(/template at offset 600 runs past the chunk/);
  });
});
