/**
 * The adaptive model of ENet's range coder: a table of 4096 symbols, each also a
 * context (a binary tree of the bytes seen after it, with an escape count), and
 * the context operations of C ENet's compress.c. Internal to the range coder.
 *
 * @module
 */

/** Symbols in the table; the model starts over when fewer than 2 are free. */
export const SYMBOL_CAPACITY = 4096;
/** The coder keeps its range at or above this (ENET_RANGE_CODER_BOTTOM). */
export const RANGE_BOTTOM = 1 << 16;
/** Count added to a root symbol each time it is coded. */
export const CONTEXT_SYMBOL_DELTA = 3;
/** Every byte's floor count in the root, so the root can code any byte. */
export const CONTEXT_SYMBOL_MINIMUM = 1;
/** The root's escape count at the start. */
export const CONTEXT_ESCAPE_MINIMUM = 1;
/** Contexts hold the last 2 bytes (order 2). */
export const SUBCONTEXT_ORDER = 2;
/** Count added to a subcontext symbol each time it is coded. */
export const SUBCONTEXT_SYMBOL_DELTA = 2;
/** Count added to a subcontext's escape each time it meets a new byte. */
export const SUBCONTEXT_ESCAPE_DELTA = 5;
/** The root context is always symbol 0, so 0 also means "no child". */
export const ROOT = 0;
/** A context is rescaled when its total passes this. */
export const TOTAL_LIMIT = RANGE_BOTTOM - 0x100;
/** A subcontext is rescaled when a coded count passes this. */
export const SUBCONTEXT_COUNT_LIMIT = 0xff - 2 * SUBCONTEXT_SYMBOL_DELTA;
/** The root is rescaled when a coded count passes this. */
export const ROOT_COUNT_LIMIT = 0xff - 2 * CONTEXT_SYMBOL_DELTA + CONTEXT_SYMBOL_MINIMUM;
/** Marks "write the link into `predicted`" rather than into a symbol's parent. */
export const TO_PREDICTED = -1;

/**
 * The symbol table, one typed array per field of C's ENetSymbol: the widths give
 * C's wraparound for free. Links (`left`, `right`, `symbols`, `parent`) hold
 * absolute indices where C holds offsets; 0 (the root) still means "none".
 * Results of a lookup land in the `found*` fields (C's out-parameters).
 */
export class RangeModel {
  readonly value = new Uint8Array(SYMBOL_CAPACITY);
  readonly count = new Uint8Array(SYMBOL_CAPACITY);
  readonly under = new Uint16Array(SYMBOL_CAPACITY);
  readonly left = new Uint16Array(SYMBOL_CAPACITY);
  readonly right = new Uint16Array(SYMBOL_CAPACITY);
  readonly symbols = new Uint16Array(SYMBOL_CAPACITY);
  readonly escapes = new Uint16Array(SYMBOL_CAPACITY);
  readonly total = new Uint16Array(SYMBOL_CAPACITY);
  readonly parent = new Uint16Array(SYMBOL_CAPACITY);
  nextSymbol = 0;
  predicted = 0;
  order = 0;

  /** The symbol a lookup found or added. */
  found = 0;
  /** Its cumulative count below it in the context. */
  foundUnder = 0;
  /** Its count (the context's minimum when it was just added). */
  foundCount = 0;
  /** Its byte (decoding). */
  foundValue = 0;

  /** Writes `symbol` where `link` says (C's `*parent = symbol`) and returns its parent slot. */
  link(link: number, symbol: number): number {
    if (link === TO_PREDICTED) this.predicted = symbol;
    else this.parent[link] = symbol;
    return symbol;
  }

  /** Moves the prediction down one order once two bytes are known, and frees the table when full. */
  advance(): void {
    if (this.order >= SUBCONTEXT_ORDER) this.predicted = this.parent[this.predicted];
    else this.order++;
    if (this.nextSymbol >= SYMBOL_CAPACITY - SUBCONTEXT_ORDER) this.reset();
  }

  /** Starts over with only the root context (C's ENET_RANGE_CODER_FREE_SYMBOLS). */
  reset(): void {
    this.nextSymbol = 0;
    const root = this.createSymbol(0, 0);
    this.escapes[root] = CONTEXT_ESCAPE_MINIMUM;
    this.total[root] = CONTEXT_ESCAPE_MINIMUM + 256 * CONTEXT_SYMBOL_MINIMUM;
    this.predicted = ROOT;
    this.order = 0;
  }

  /** Takes the next free symbol (C's ENET_SYMBOL_CREATE). */
  createSymbol(value: number, count: number): number {
    const symbol = this.nextSymbol++;
    this.value[symbol] = value;
    this.count[symbol] = count;
    this.under[symbol] = count;
    this.left[symbol] = 0;
    this.right[symbol] = 0;
    this.symbols[symbol] = 0;
    this.escapes[symbol] = 0;
    this.total[symbol] = 0;
    this.parent[symbol] = 0;
    return symbol;
  }

  /** Halves the counts of a context's tree (C's ENET_CONTEXT_RESCALE). */
  rescaleContext(context: number, minimum: number): void {
    const first = this.symbols[context];
    this.total[context] = first !== 0 ? this.rescale(first) : 0;
    this.escapes[context] -= this.escapes[context] >> 1;
    this.total[context] += this.escapes[context] + 256 * minimum;
  }

  /** Halves the counts along a right spine, recursing left; returns the 16-bit sum. */
  rescale(symbol: number): number {
    const count = this.count;
    const under = this.under;
    let total = 0;
    for (;;) {
      count[symbol] -= count[symbol] >> 1;
      under[symbol] = count[symbol];
      if (this.left[symbol] !== 0) under[symbol] += this.rescale(this.left[symbol]);
      total = (total + under[symbol]) & 0xffff;
      if (this.right[symbol] === 0) return total;
      symbol = this.right[symbol];
    }
  }

  /**
   * Finds or adds `value` in a context's tree and adds `update` to its count
   * (C's ENET_CONTEXT_ENCODE). Sets found, foundUnder and foundCount; a count
   * of `minimum` means the value was new there.
   */
  contextEncode(context: number, value: number, update: number, minimum: number): void {
    let under = value * minimum;
    let count = minimum;
    let node = this.symbols[context];
    if (node === 0) {
      this.found = this.symbols[context] = this.createSymbol(value, update);
    } else {
      const values = this.value;
      const unders = this.under;
      for (;;) {
        if (value < values[node]) {
          unders[node] += update;
          if (this.left[node] !== 0) {
            node = this.left[node];
            continue;
          }
          this.found = this.left[node] = this.createSymbol(value, update);
        } else if (value > values[node]) {
          under += unders[node];
          if (this.right[node] !== 0) {
            node = this.right[node];
            continue;
          }
          this.found = this.right[node] = this.createSymbol(value, update);
        } else {
          count += this.count[node];
          under += unders[node] - this.count[node];
          unders[node] += update;
          this.count[node] += update;
          this.found = node;
        }
        break;
      }
    }
    this.foundUnder = under & 0xffff;
    this.foundCount = count & 0xffff;
  }

  /**
   * Finds the symbol whose interval holds `code` in a context's tree (C's
   * ENET_CONTEXT_DECODE). In a subcontext a miss is an error (returns false); in
   * the root (`create`) a miss names a new byte, which is added. Sets found,
   * foundValue, foundUnder and foundCount.
   */
  contextDecode(
    context: number,
    code: number,
    update: number,
    minimum: number,
    create: boolean,
  ): boolean {
    let under = 0;
    const values = this.value;
    const unders = this.under;
    const counts = this.count;
    this.foundCount = minimum;
    let node = this.symbols[context];
    if (node === 0) {
      if (!create) return false;
      this.foundValue = Math.trunc(code / minimum) & 0xff;
      this.foundUnder = (code - (code % minimum)) & 0xffff;
      this.found = this.symbols[context] = this.createSymbol(this.foundValue, update);
      return true;
    }
    for (;;) {
      const after = (under + unders[node] + (values[node] + 1) * minimum) & 0xffff;
      const before = (counts[node] + minimum) & 0xffff;
      if (code >= after) {
        under = (under + unders[node]) & 0xffff;
        if (this.right[node] !== 0) {
          node = this.right[node];
          continue;
        }
        if (!create) return false;
        this.foundValue = (values[node] + 1 + Math.trunc((code - after) / minimum)) & 0xff;
        this.foundUnder = (code - ((code - after) % minimum)) & 0xffff;
        this.found = this.right[node] = this.createSymbol(this.foundValue, update);
      } else if (code < after - before) {
        unders[node] += update;
        if (this.left[node] !== 0) {
          node = this.left[node];
          continue;
        }
        if (!create) return false;
        const gap = after - before - code - 1;
        this.foundValue = (values[node] - 1 - Math.trunc(gap / minimum)) & 0xff;
        this.foundUnder = (code - (gap % minimum)) & 0xffff;
        this.found = this.left[node] = this.createSymbol(this.foundValue, update);
      } else {
        this.foundValue = values[node];
        this.foundCount = (minimum + counts[node]) & 0xffff;
        this.foundUnder = (after - before) & 0xffff;
        unders[node] += update;
        counts[node] += update;
        this.found = node;
      }
      return true;
    }
  }
}
