/**
 * An intrusive doubly linked list with a sentinel, like C ENet's list.c.
 *
 * The command queues of a peer need O(1) removal from the middle, insertion before a
 * remembered position and moving whole runs between lists; a node is in at most one
 * list at a time and carries its own links.
 *
 * @module
 */

/** The links every list node carries. */
export interface ListNode {
  /** The previous node, or the list's sentinel. */
  prev: ListNode;
  /** The next node, or the list's sentinel. */
  next: ListNode;
}

/**
 * A list of `T` nodes. `end` is the sentinel: iteration runs from `begin()` until `end`.
 *
 * @example Insert, iterate and remove
 * ```ts
 * import assert from "node:assert/strict";
 * import { List, type ListNode } from "./list.ts";
 *
 * interface Item extends ListNode { value: number }
 * const list = new List<Item>();
 * const a = { value: 1 } as Item;
 * const b = { value: 2 } as Item;
 * list.pushBack(a);
 * list.pushBack(b);
 * List.remove(a);
 * assert.equal(list.front().value, 2);
 * ```
 */
export class List<T extends ListNode> {
  /** The sentinel; `begin() === end` when the list is empty. */
  readonly end: ListNode;

  /** Creates an empty list. */
  constructor() {
    const sentinel = {} as ListNode;
    sentinel.prev = sentinel;
    sentinel.next = sentinel;
    this.end = sentinel;
  }

  /**
   * The first node, or `end` when empty.
   *
   * @returns The first node.
   */
  begin(): ListNode {
    return this.end.next;
  }

  /**
   * The first node; only call on a non-empty list.
   *
   * @returns The first node.
   */
  front(): T {
    return this.end.next as T;
  }

  /**
   * True when the list has no nodes.
   *
   * @returns Whether the list is empty.
   */
  isEmpty(): boolean {
    return this.end.next === this.end;
  }

  /**
   * Appends `node`.
   *
   * @param node A node in no list.
   */
  pushBack(node: T): void {
    List.insertBefore(this.end, node);
  }

  /** Forgets every node (their links are left as they are). */
  clear(): void {
    this.end.prev = this.end;
    this.end.next = this.end;
  }

  /**
   * Counts the nodes (linear time; for tests and diagnostics).
   *
   * @returns The number of nodes.
   */
  size(): number {
    let n = 0;
    for (let node = this.end.next; node !== this.end; node = node.next) n++;
    return n;
  }

  /**
   * Inserts `node` before `position` (`enet_list_insert`).
   *
   * @param position A node of a list, or its sentinel.
   * @param node A node in no list.
   */
  static insertBefore(position: ListNode, node: ListNode): void {
    node.prev = position.prev;
    node.next = position;
    position.prev.next = node;
    position.prev = node;
  }

  /**
   * Unlinks `node` from its list (`enet_list_remove`).
   *
   * @param node A node in a list.
   * @returns `node`.
   */
  static remove<N extends ListNode>(node: N): N {
    node.prev.next = node.next;
    node.next.prev = node.prev;
    return node;
  }

  /**
   * Moves the run `first`..`last` (inclusive) before `position` (`enet_list_move`).
   *
   * @param position Where the run goes.
   * @param first The run's first node.
   * @param last The run's last node.
   */
  static move(position: ListNode, first: ListNode, last: ListNode): void {
    first.prev.next = last.next;
    last.next.prev = first.prev;
    first.prev = position.prev;
    last.next = position;
    first.prev.next = first;
    position.prev = last;
  }
}
