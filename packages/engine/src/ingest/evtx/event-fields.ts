import { canonicalName } from "../name-cache.ts";
import type { ParsedEvent } from "../types.ts";
import { Section, ValueAction, applyValue, finishWinEvent, leafAction, leafField, newFields, sectionOf } from "../winevent-fields.ts";
import { ARRAY_FLAG, VT } from "./values.ts";
import { type AttrNode, type ElementNode, Flavor, NO_VALUES, type Values, type XNode, allEmpty } from "./binxml.ts";

/**
 * A record's event straight from its BinXML nodes (binxml.ts), without parsing the rendered XML
 * again. The walk takes exactly the steps the XML tokenizer (winevent.ts) takes over the XML those
 * nodes render to — start tags with their attributes, texts, end tags — and stores the values it
 * would store: escaping and entity decoding cancel out (every `&` the renderer writes starts a
 * complete entity), so a text reads as the unescaped value. Where the rendering could read
 * differently from the nodes (a name with a space, `>` or `/`, CDATA holding `]]>`, markup in an
 * attribute, text outside the root, a root other than `<Event>`) the walk gives up and returns
 * null: the caller then parses the XML, which also reports any error exactly as before.
 */
export function eventFromNodes(nodes: XNode[], xml: string): ParsedEvent | null {
  const walk = new FieldWalk();
  if (!walk.nodes(nodes, NO_VALUES) || !walk.sawRoot) return null;
  return finishWinEvent(xml, walk.fields, walk.unnamed);
}

/** The tokenizer's state, as in `readWinEvent`: one set of leaf variables, the innermost element's. */
class FieldWalk {
  readonly fields = newFields();
  unnamed: string[] | null = null;
  sawRoot = false;
  private rootClosed = false;
  /** Open elements. */
  private depth = 0;
  private section = Section.None;
  private leafOpen = false;
  private leafName = "";
  private leafDataName: string | null = null;
  private leafText = "";

  /** Walks content nodes; false when the rendering could read differently. */
  nodes(list: XNode[], values: Values): boolean {
    for (let k = 0; k < list.length; k++) {
      const node = list[k]!;
      switch (node.kind) {
        case "text":
          switch (node.flavor) {
            case Flavor.Text:
              // Outside the root only blank text is allowed (as written: `&#32;` is not blank); the
              // tokenizer reports the rest.
              if (this.depth === 0) {
                if (!isBlank(node.text)) return false;
              } else if (this.leafOpen) this.addText(node.decoded);
              break;
            case Flavor.Cdata:
              if (this.leafOpen) this.addText(node.decoded);
              break;
            case Flavor.Pi:
              break;
            case Flavor.Unsafe:
              return false;
          }
          break;
        case "instance":
          if (!this.nodes(node.nodes, node.values)) return false;
          break;
        case "subst": {
          const i = node.index;
          const type = values.types[i]!;
          if (type === VT.Null || values.sizes[i] === 0) break;
          if (type === VT.BinXml) {
            const fragment = values.fragments[i];
            if (fragment === undefined || !this.nodes(fragment, NO_VALUES)) return false;
            break;
          }
          const text = values.texts[i];
          if (text === undefined) return false;
          // Blank text escapes to itself, so the value can be checked for the rendering.
          if (this.depth === 0) {
            if (!isBlank(text)) return false;
          } else if (this.leafOpen) this.addText(text);
          break;
        }
        case "element":
          if (!this.element(node, values)) return false;
          break;
      }
    }
    return true;
  }

  private element(el: ElementNode, values: Values): boolean {
    if (!el.plain) return false;
    const children = el.children;
    // An array value as the whole content renders the element once per item (see renderElement).
    const only = children !== null && children.length === 1 ? children[0]! : null;
    if (only?.kind === "subst" && only.index < values.types.length && (values.types[only.index]! & ARRAY_FLAG) !== 0) {
      const items = values.items[only.index];
      if (items === undefined) return false;
      for (const item of items) if (!this.open(el, values, item)) return false;
      return true;
    }
    return this.open(el, values, null);
  }

  /** One start tag … end tag (or empty element); `itemText` replaces the children of a repeated element. */
  private open(el: ElementNode, values: Values, itemText: string | null): boolean {
    // A second element after the root is an error of the XML (an array can repeat the root, too).
    if (this.rootClosed) return false;
    const depth = this.depth + 1;
    if (depth === 1) {
      if (el.local !== "Event") return false;
      this.sawRoot = true;
    } else if (depth === 2) {
      this.section = sectionOf(el.local);
    }
    this.leafOpen = false;
    let dataName: string | null = null;
    for (const a of el.attrs) {
      if (a.optional && allEmpty(a.value, values)) continue;
      if (!a.plain) return false;
      const value = attributeValue(a, values);
      if (value === null) return false;
      if (this.section === Section.System && depth === 3) {
        applyValue(this.fields, null, ValueAction.SystemAttribute, a.name, el.local, value);
      } else if (a.name === "Name" && this.section === Section.EventData && depth === 3) {
        dataName = canonicalName(value, 0, value.length);
      }
    }
    if (el.children === null) {
      if (depth > 2) this.leaf(depth, el.local, dataName, "");
      if (depth === 2) this.section = Section.None;
      if (depth === 1) this.rootClosed = true;
      return true;
    }
    this.depth = depth;
    this.leafOpen = depth > 2;
    this.leafName = el.local;
    this.leafDataName = dataName;
    this.leafText = "";
    if (itemText !== null) {
      if (this.leafOpen) this.addText(itemText);
    } else if (!this.nodes(el.children, values)) {
      return false;
    }
    this.depth = depth - 1;
    if (this.leafOpen) {
      this.leaf(depth, this.leafName, this.leafDataName, this.leafText);
      this.leafOpen = false;
    }
    if (depth === 2) this.section = Section.None;
    if (depth === 1) this.rootClosed = true;
    return true;
  }

  private addText(text: string): void {
    this.leafText = this.leafText === "" ? text : this.leafText + text;
  }

  private leaf(depth: number, name: string, dataName: string | null, text: string): void {
    this.unnamed = applyValue(this.fields, this.unnamed, leafAction(this.section, depth, name, dataName), leafField(name, dataName), "", text);
  }
}

/** The decoded value of an attribute, or null when its rendering could read differently. */
function attributeValue(a: AttrNode, values: Values): string | null {
  let out = "";
  for (const node of a.value) {
    switch (node.kind) {
      case "text":
        if (node.flavor !== Flavor.Text) return null;
        out += node.decoded;
        break;
      case "subst": {
        const i = node.index;
        const type = values.types[i]!;
        if (type === VT.Null || values.sizes[i] === 0) break;
        // A BinXML value would put markup (quotes included) inside the attribute.
        if (type === VT.BinXml) return null;
        const text = values.texts[i];
        if (text === undefined) return null;
        out += text;
        break;
      }
      case "element":
      case "instance":
        return null;
    }
  }
  return out;
}

/** Only the whitespace the tokenizer allows outside the root (space, tab, CR, LF). */
function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}
