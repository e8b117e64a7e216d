import type { ParsedEvent } from "./types.ts";
import { ValueAction, applyValue, finishWinEvent, newFields, resolveSystem } from "./winevent-fields.ts";
import { decodeEntities } from "./xml-entities.ts";

/**
 * Learned shapes of Windows event XML. The events of one log are written by a few templates:
 * the same markup, byte for byte, around different values. After the tokenizer has read an event
 * (recording where its values were, a `ShapeTrace`), the markup between the values is kept in a
 * trie of `ShapeNode`s; later events are read by matching that markup with `startsWith` and
 * taking each value up to its delimiter with `indexOf`, instead of tokenizing every tag.
 *
 * Why this gives exactly the tokenizer's result: the tokenizer's decisions depend only on the
 * markup and on where values end (a text at the next `<`, an attribute at its closing quote) —
 * never on what a value holds (entities are decoded per value the same way here). A match
 * requires the whole markup to be identical and each value to end where the tokenizer would end
 * it, so the tokenizer would take the same steps and store the same values under the same names.
 * The Data Name attribute is part of the markup (it names the field). Shapes are only learned
 * from events the embedded fast path read (no comments, CDATA, `<` inside tags, nested
 * `<Event>`), and an attribute value holding a `<` is not matched, so a matched event also ends
 * at the first `</Event>`, as the exact path cuts it. Anything that does not match is read by the
 * tokenizer.
 */

/** State of `winEventInText` over one text: where the event read ends, and the next `&`. */
export interface TextCursor {
  /** End (exclusive) of the event read, written on success. */
  end: number;
  /**
   * Position of the first `&` at or after the last event read (-1: none; -2: not searched). Kept
   * across the events of one text, so the search for it runs over the text once; set it to -2
   * when the text changes.
   */
  amp: number;
}

/** How a value of a shape is delimited. */
export const enum ValueKind {
  /** Element text: up to the next `<`. */
  Text,
  /** Attribute value: up to the closing quote (the markup's last character). */
  Attribute,
  /** The empty text of a self-closed element (no characters). */
  Empty,
  /** No value: the markup ends the event. */
  End,
}

/** The values of one event as the tokenizer read them, in text order. */
export class ShapeTrace {
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  readonly kinds: ValueKind[] = [];
  readonly actions: ValueAction[] = [];
  readonly names: string[] = [];
  readonly elements: string[] = [];

  clear(): void {
    this.starts.length = 0;
    this.ends.length = 0;
    this.kinds.length = 0;
    this.actions.length = 0;
    this.names.length = 0;
    this.elements.length = 0;
  }

  push(start: number, end: number, kind: ValueKind, action: ValueAction, name: string, element: string): void {
    this.starts.push(start);
    this.ends.push(end);
    this.kinds.push(kind);
    this.actions.push(action);
    this.names.push(name);
    this.elements.push(element);
  }
}

/** Markup that must match exactly, then one value and what it becomes. */
interface ShapeNode {
  markup: string;
  kind: ValueKind;
  /** The closing quote of an Attribute value. */
  quote: string;
  action: ValueAction;
  /** The field it is stored under (System children's resolved: see `resolveSystem`). */
  name: string;
  /** What may follow, tried in order. */
  next: ShapeNode[];
}

/** Nodes kept per log; beyond this, new shapes are not learned (the tokenizer reads them). */
const MAX_NODES = 20_000;

/** The learned shapes of one log (one parser). */
export class WinEventShapes {
  private readonly roots: ShapeNode[] = [];
  private nodes = 0;

  /**
   * Reads the event starting at `start` if its markup matches a learned shape; null otherwise.
   * On success `at.end` is its end (exclusive) and `at.amp` advanced, as winEventInText does.
   */
  read(src: string, start: number, at: TextCursor): ParsedEvent | null {
    let options = this.roots;
    let pos = start;
    let amp = at.amp;
    // The first `<` at or after some position ≤ pos (-2: not searched yet, -1: none).
    let lt = -2;
    const fields = newFields();
    let unnamed: string[] | null = null;
    for (;;) {
      let node: ShapeNode | null = null;
      for (let k = 0; k < options.length; k++) {
        const o = options[k]!;
        if (src.startsWith(o.markup, pos)) {
          node = o;
          break;
        }
      }
      if (node === null) return null;
      pos += node.markup.length;
      let end: number;
      switch (node.kind) {
        case ValueKind.End:
          at.end = pos;
          at.amp = amp;
          return finishWinEvent(src.slice(start, pos), fields, unnamed);
        case ValueKind.Empty:
          unnamed = applyValue(fields, unnamed, node.action, node.name, "", "");
          options = node.next;
          continue;
        case ValueKind.Text:
          if (lt !== -1 && lt < pos) lt = src.indexOf("<", pos);
          if (lt < 0) return null;
          end = lt;
          break;
        case ValueKind.Attribute:
          end = src.indexOf(node.quote, pos);
          if (end < 0) return null;
          if (lt !== -1 && lt < pos) lt = src.indexOf("<", pos);
          // A `<` inside a tag could hide an `<Event` or `</Event>`: the tokenizer path decides.
          if (lt >= 0 && lt < end) return null;
          break;
      }
      if (node.action !== ValueAction.Ignore) {
        if (amp !== -1 && amp < pos) amp = src.indexOf("&", pos);
        const value = amp >= 0 && amp < end ? decodeEntities(src, pos, end) : src.slice(pos, end);
        unnamed = applyValue(fields, unnamed, node.action, node.name, "", value);
      }
      pos = end;
      options = node.next;
    }
  }

  /** Learns the shape of the event src[start, end) that the tokenizer read with `trace`. */
  learn(src: string, start: number, trace: ShapeTrace): void {
    const n = trace.starts.length;
    if (this.nodes + n > MAX_NODES) return;
    let options = this.roots;
    let pos = start;
    // The keys the path has set so far, replayed with a non-empty value so that conditional
    // stores count too: a Field whose key no earlier value can have set becomes a plain store.
    const replay = newFields();
    for (let i = 0; i < n; i++) {
      const markup = src.slice(pos, trace.starts[i]!);
      const kind = trace.kinds[i]!;
      // System children's values as the store they make, decided here once.
      const resolved = resolveSystem(trace.actions[i]!, trace.names[i]!, trace.elements[i]!);
      const name = resolved[1];
      let action = resolved[0];
      if (action === ValueAction.Field && replay[name] === undefined) action = ValueAction.NewField;
      applyValue(replay, null, action, name, "", "x");
      let node: ShapeNode | undefined;
      for (const o of options) {
        if (o.markup === markup && o.kind === kind && o.action === action && o.name === name) {
          node = o;
          break;
        }
      }
      if (!node) {
        node = {
          markup: copyOf(markup),
          kind,
          quote: kind === ValueKind.Attribute ? markup.charAt(markup.length - 1) : "",
          action,
          name,
          next: [],
        };
        options.push(node);
        this.nodes++;
      }
      options = node.next;
      pos = trace.ends[i]!;
    }
  }
}

/** A copy that does not keep the chunk it was sliced from alive (internalized, like a property key). */
function copyOf(s: string): string {
  for (const k in { [s]: 0 }) return k;
  return s;
}
